#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets into Fuzz/Corpus/<target>/.

Each target gets a few valid files of every kind its reader accepts, and broken ones next to
each of the reader's checks (truncated, bad magic, bad checksum, inconsistent sizes, ...), so the
fuzzer starts with inputs that reach deep into the code instead of having to discover the
formats byte by byte. The files are made here from first principles, independently of the
project's own writers, and kept small (a few kilobytes at most) so the fuzzer stays fast. The
digit pictures are drawn from simple shapes; no MNIST data is used.

Usage (Python standard library only; output is deterministic):

    python3 Fuzz/make_seeds.py
"""

import gzip
import json
import math
import os
import random
import shutil
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "Corpus")


def write_corpus(target, files):
    """Replaces Fuzz/Corpus/<target>/ with `files`, a dict of file name to bytes."""
    folder = os.path.join(CORPUS, target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, content in sorted(files.items()):
        if len(content) > 8192:
            raise ValueError("seed %s/%s is %d bytes; keep seeds small" % (target, name, len(content)))
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(content)
    print("%-16s %3d files, %6d bytes" % (target, len(files), sum(len(c) for c in files.values())))


def gz(data):
    """One gzip member with modification time 0, so the output is the same on every run."""
    return gzip.compress(data, compresslevel=6, mtime=0)


# ---------------------------------------------------------------- digit-like pictures

def draw(shape, side=28, thickness=2.2):
    """A side x side ink map (0 background ... 255 ink) of a simple digit-like shape."""
    centre = (side - 1) / 2
    pixels = []
    for y in range(side):
        for x in range(side):
            u, v = (x - centre) / (side * 0.3), (y - centre) / (side * 0.3)
            if shape == "zero":
                distance = abs(math.hypot(u * 1.4, v) - 1) * side * 0.3
            elif shape == "one":
                distance = abs(x - centre - (centre - y) * 0.15) if abs(v) < 1.1 else 99
            else:  # "seven": a bar along the top and a diagonal down from its right end
                bar = abs(v + 1) * side * 0.3 if abs(u) < 0.8 else 99
                diagonal = abs((u - 0.8) + (v + 1) * 0.45) * side * 0.3 if -1 <= v <= 1.1 else 99
                distance = min(bar, diagonal)
            ink = max(0.0, min(1.0, thickness - distance))
            pixels.append(int(round(ink * 255)))
    return pixels


ZERO, ONE, SEVEN = draw("zero"), draw("one"), draw("seven")


# ---------------------------------------------------------------- IDX

def idx(type_code, dimensions, payload):
    """An IDX file: 00 00, type code, dimension count, big-endian UInt32 sizes, payload."""
    header = bytes([0, 0, type_code, len(dimensions)]) + struct.pack(">%dI" % len(dimensions), *dimensions)
    return header + payload


def mnist_pair(images, labels):
    """The FuzzIDX framing of two files: "M", big-endian UInt32 length of the images file, both files."""
    return b"M" + struct.pack(">I", len(images)) + images + labels


def idx_seeds():
    rng = random.Random(1)
    images = idx(0x08, [3, 28, 28], bytes(ZERO + ONE + SEVEN))
    labels = idx(0x08, [3], bytes([0, 1, 7]))
    floats = struct.pack(">8f", 0.0, -0.0, 1.5, -2.25, float("inf"), float("-inf"), float("nan"), 1e-42)
    doubles = struct.pack(">6d", 0.1, -1e300, 5e-324, float("nan"), 3.0, -0.0)
    int16s = struct.pack(">12h", *[rng.randint(-32768, 32767) for _ in range(12)])
    int32s = struct.pack(">8i", *[rng.randint(-2**31, 2**31 - 1) for _ in range(8)])
    int8s = bytes(rng.randrange(256) for _ in range(16))

    compressed = gz(images)
    bad_crc = bytearray(compressed)
    bad_crc[-6] ^= 0xFF  # a byte of the CRC-32 in the trailer

    return {
        # Valid: every element type, several ranks, an empty dimension, raw and gzip.
        "uint8-images-3x28x28.idx": images,
        "uint8-labels-3.idx": labels,
        "int8-16.idx": idx(0x09, [16], int8s),
        "int16-3x4.idx": idx(0x0B, [3, 4], int16s),
        "int32-2x2x2.idx": idx(0x0C, [2, 2, 2], int32s),
        "float32-special-values.idx": idx(0x0D, [8], floats),
        "float64-2x3.idx": idx(0x0E, [2, 3], doubles),
        "uint8-four-dimensions.idx": idx(0x08, [1, 2, 3, 4], bytes(range(24))),
        "uint8-zero-images.idx": idx(0x08, [0, 28, 28], b""),
        "images.idx.gz": compressed,
        "float32.idx.gz": gz(idx(0x0D, [8], floats)),
        "two-members.idx.gz": gz(images[:700]) + gz(images[700:]),
        "zero-padded.idx.gz": gz(labels) + bytes(16),
        "one-megabyte-of-zeros.idx.gz": gz(idx(0x08, [1024, 1024], bytes(1024 * 1024))),
        # Valid MNIST pairs, raw and gzip.
        "mnist-pair.bin": mnist_pair(images, labels),
        "mnist-pair-gzip.bin": mnist_pair(gz(images), gz(labels)),
        "mnist-pair-empty.bin": mnist_pair(idx(0x08, [0, 28, 28], b""), idx(0x08, [0], b"")),
        # Broken IDX.
        "empty.idx": b"",
        "truncated-header.idx": images[:9],
        "truncated-payload.idx": images[:-10],
        "trailing-bytes.idx": labels + b"\x00\x01\x02",
        "unknown-type.idx": idx(0x0A, [4], bytes(4)),
        "no-dimensions.idx": bytes([0, 0, 0x08, 0]),
        "overflowing-dimensions.idx": idx(0x0E, [0xFFFFFFFF] * 4, b""),
        "bad-magic.idx": b"\x01\x00" + labels[2:],
        "bad-crc.idx.gz": bytes(bad_crc),
        "truncated.idx.gz": compressed[: len(compressed) // 2],
        "trailing-garbage.idx.gz": gz(labels) + b"PK",
        # Broken MNIST pairs: each reaches one of the data set's checks.
        "mnist-pair-label-ten.bin": mnist_pair(images, idx(0x08, [3], bytes([0, 1, 10]))),
        "mnist-pair-count-mismatch.bin": mnist_pair(images, idx(0x08, [2], bytes([0, 1]))),
        "mnist-pair-wrong-side.bin": mnist_pair(idx(0x08, [1, 27, 29], bytes(27 * 29)), idx(0x08, [1], b"\x05")),
        "mnist-pair-float-labels.bin": mnist_pair(images, idx(0x0D, [3], struct.pack(">3f", 0, 1, 7))),
    }


# ---------------------------------------------------------------- safetensors

def safetensors(tensors, metadata=None, pad=True, header_override=None):
    """A safetensors file from (name, dtype, shape, bytes) entries, laid out in the given order."""
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = header_override if header_override is not None else json.dumps(header, separators=(",", ":"))
    encoded = text.encode("utf-8")
    if pad:
        encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(t[3] for t in tensors)


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def model_tensors(sizes, rng, poison=None):
    """layers.N.weight (n x m) and layers.N.bias (m) for the given layer sizes, small random values."""
    tensors = []
    for index, (n, m) in enumerate(zip(sizes, sizes[1:])):
        weights = [rng.uniform(-0.1, 0.1) for _ in range(n * m)]
        if poison is not None and index == 0:
            weights[5] = poison
        tensors.append(("layers.%d.weight" % index, "F32", [n, m], f32(weights)))
        tensors.append(("layers.%d.bias" % index, "F32", [m], f32([rng.uniform(-0.1, 0.1) for _ in range(m)])))
    return tensors


def model_metadata(sizes, activation="relu"):
    configuration = {
        "activation": activation, "batchSize": 64, "decay": {"cosine": {}}, "epochs": 2,
        "hidden": sizes[1:-1], "learningRate": 0.05, "loss": "cross-entropy", "momentum": 0.9,
        "seed": 7, "threads": 2, "warmupEpochs": 0, "weightDecay": 0,
    }
    training = {
        "command": "digits train --epochs 2", "configuration": configuration, "epochs": 2,
        "testAccuracy": 0.5, "testExamples": 100, "testLoss": 1.25, "trainingExamples": 400,
    }
    history = [
        {"epoch": epoch, "evaluationSeconds": 0.01, "imagesPerSecond": 1000.5, "learningRate": 0.05 / epoch,
         "testAccuracy": 0.25 * epoch, "testLoss": 2.0 / epoch, "trainAccuracy": 0.3 * epoch,
         "trainLoss": 1.5 / epoch, "trainSeconds": 0.4}
        for epoch in (1, 2)
    ]
    compact = {"separators": (",", ":"), "sort_keys": True}
    return {
        "format": "digits-mlp", "format_version": "1", "architecture": "-".join(map(str, sizes)),
        "activation": activation, "output": "softmax", "input_scaling": "pixel/255",
        "training": json.dumps(training, **compact), "history": json.dumps(history, **compact),
    }


def checkpoint(rng, batches_done=1, **configuration_changes):
    """A training checkpoint of a 784-1-10 network taken after `batches_done` batches of an epoch
    on a 3-image training set (FuzzSafeTensors resumes checkpoints on 3 images)."""
    sizes = [784, 1, 10]
    tensors = model_tensors(sizes, rng)
    for index, (n, m) in enumerate(zip(sizes, sizes[1:])):
        tensors.append(("velocity.%d.weight" % index, "F32", [n, m], f32([rng.uniform(-0.01, 0.01)] * (n * m))))
        tensors.append(("velocity.%d.bias" % index, "F32", [m], f32([0.001] * m)))
    metadata = model_metadata(sizes)
    del metadata["training"]
    configuration = json.loads(model_metadata(sizes)["training"])["configuration"]
    configuration.update(batchSize=2, threads=1, epochs=2)
    configuration.update(configuration_changes)
    state = {
        "configuration": configuration, "history": [],
        "position": {"generator": "00000000000000ab", "batchesDone": batches_done, "lossSum": 2.3, "correct": 0,
                     "examplesSeen": 2 * batches_done, "learningRate": 0.05, "trainSeconds": 0.01},
        "trainingExamples": 3,
    }
    metadata["checkpoint"] = json.dumps(state, separators=(",", ":"), sort_keys=True)
    return safetensors(tensors, metadata)


def safetensors_seeds():
    rng = random.Random(2)
    small = [784, 1, 10]
    valid_model = safetensors(model_tensors(small, rng), model_metadata(small))
    dtypes = [("BOOL", 1), ("U8", 1), ("I8", 1), ("F8_E5M2", 1), ("F8_E4M3", 1), ("F8_E8M0", 1), ("I16", 2),
              ("U16", 2), ("F16", 2), ("BF16", 2), ("I32", 4), ("U32", 4), ("F32", 4), ("F64", 8), ("I64", 8),
              ("U64", 8)]
    every_dtype = [("t.%s" % name, name, [3], bytes(rng.randrange(256) for _ in range(3 * width)))
                   for name, width in dtypes]
    two = [("a", "F32", [2], f32([1, 2])), ("b", "F32", [2], f32([3, 4]))]

    nested = "{" + '"a":' + "[" * 70 + "]" * 70 + "}"
    return {
        # Valid files of the format.
        "one-tensor.safetensors": safetensors([("weights", "F32", [2, 3], f32([1, 2, 3, 4, 5, 6]))]),
        "every-dtype.safetensors": safetensors(every_dtype, {"note": "one tensor of each dtype"}),
        "scalar-and-empty.safetensors": safetensors(
            [("empty", "F32", [0, 4], b""), ("scalar", "F64", [], struct.pack("<d", 2.5))]),
        "metadata-only.safetensors": safetensors([], {"format": "digits-mlp", "\u00e9t\u00e9": "\U0001F600"}),
        "unpadded.safetensors": safetensors(two, pad=False),
        "escaped-names.safetensors": safetensors(
            [("tab\there", "U8", [1], b"\x01"), ("quote\"\\", "U8", [1], b"\x02")], {"k\n": "v\u0001"}),
        # Valid digits models: one hidden unit keeps them small.
        "model-784-1-10.safetensors": valid_model,
        "model-784-2-10-tanh-no-metadata.safetensors": safetensors(model_tensors([784, 2, 10], rng)),
        # Training checkpoints, as `digits train --resume` reads them.
        "checkpoint-mid-epoch.safetensors": checkpoint(rng),
        "checkpoint-epoch-start-step-decay.safetensors": checkpoint(
            rng, batches_done=0, decay={"step": {"everyEpochs": 1, "factor": 0.5}}, warmupEpochs=0.5),
        # Broken files: each reaches one of the reader's checks.
        "too-short.safetensors": valid_model[:5],
        "header-beyond-file.safetensors": struct.pack("<Q", 4096) + b"{}",
        "header-not-object.safetensors": safetensors([], header_override="[1,2]"),
        "header-not-json.safetensors": safetensors([], header_override='{"a":tru}'),
        "header-not-utf8.safetensors": struct.pack("<Q", 7) + b'{"\xff":1}',
        "duplicate-key.safetensors": safetensors(two, header_override=(
            '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
            '"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}')),
        "deep-nesting.safetensors": safetensors([], header_override=nested),
        "unknown-dtype.safetensors": safetensors([("x", "F128", [1], bytes(16))]),
        "sub-byte-dtype.safetensors": safetensors([("x", "F4", [2], bytes(1))]),
        "overlapping.safetensors": safetensors(two, header_override=(
            '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
            '"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}')),
        "gap.safetensors": safetensors(two, header_override=(
            '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
            '"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}')),
        "shape-overflow.safetensors": safetensors([], header_override=(
            '{"x":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}')),
        "negative-offset.safetensors": safetensors([], header_override=(
            '{"x":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}')),
        # Broken models: readable files that are not usable digits models.
        "model-nan-weight.safetensors": safetensors(model_tensors(small, rng, poison=float("nan"))),
        "model-783-inputs.safetensors": safetensors(model_tensors([783, 1, 10], rng)),
        "model-9-outputs.safetensors": safetensors(model_tensors([784, 1, 9], rng)),
        "model-future-version.safetensors": safetensors(
            model_tensors(small, rng), dict(model_metadata(small), format_version="2")),
        "model-wrong-architecture.safetensors": safetensors(
            model_tensors(small, rng), dict(model_metadata(small), architecture="784-2-10")),
        "model-bad-training-json.safetensors": safetensors(
            model_tensors(small, rng), dict(model_metadata(small), training='{"epochs":"two"}')),
        "model-missing-bias.safetensors": safetensors(model_tensors(small, rng)[:-1]),
        "model-stray-tensor.safetensors": safetensors(
            model_tensors(small, rng) + [("layers.1.extra", "F32", [1], f32([0]))]),
        "model-f64-weights.safetensors": safetensors([
            ("layers.0.weight", "F64", [784, 1], bytes(784 * 8)), ("layers.0.bias", "F64", [1], bytes(8))]),
    }


# ---------------------------------------------------------------- PNG

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filtered(rows, bytes_per_pixel, filters):
    """The rows (lists of byte values) with a filter-type byte in front of each, filter i % 5 for
    `filters == "all"` so every filter type appears, else filter 0."""
    out = bytearray()
    previous = [0] * (len(rows[0]) if rows else 0)
    for number, row in enumerate(rows):
        kind = number % 5 if filters == "all" else 0
        encoded = []
        for i, value in enumerate(row):
            left = row[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
            up = previous[i]
            upper_left = previous[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
            predictor = [0, left, up, (left + up) // 2, paeth(left, up, upper_left)][kind]
            encoded.append((value - predictor) & 0xFF)
        out.append(kind)
        out.extend(encoded)
        previous = row
    return bytes(out)


def pack(samples, depth):
    """Packs one row of samples (each < 2**depth) into bytes, big-endian for 16-bit."""
    if depth == 8:
        return list(samples)
    if depth == 16:
        return [byte for sample in samples for byte in (sample >> 8, sample & 0xFF)]
    out, accumulator, bits = [], 0, 0
    for sample in samples:
        accumulator = accumulator << depth | sample
        bits += depth
        if bits == 8:
            out.append(accumulator)
            accumulator, bits = 0, 0
    if bits:
        out.append(accumulator << (8 - bits))
    return out


def png(width, height, pixel, color_type, depth=8, interlaced=False, filters="none", extra=(), plte=None,
        idat_override=None, end=True):
    """A PNG whose pixel (x, y) is the tuple of samples `pixel(x, y)` (one per channel)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    bytes_per_pixel = max(1, channels * depth // 8)

    def image_rows(xs, ys):
        return [pack([s for x in xs for s in pixel(x, y)], depth) for y in ys]

    if interlaced:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, width, dx), range(y0, height, dy)
            if len(xs) and len(ys):
                raw += filtered(image_rows(xs, ys), bytes_per_pixel, filters)
    else:
        raw = filtered(image_rows(range(width), range(height)), bytes_per_pixel, filters)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 1 if interlaced else 0)
    out = PNG_SIGNATURE + chunk(b"IHDR", ihdr)
    if plte is not None:
        out += chunk(b"PLTE", plte)
    for kind, data in extra:
        out += chunk(kind, data)
    out += chunk(b"IDAT", idat_override if idat_override is not None else zlib.compress(raw, 9))
    if end:
        out += chunk(b"IEND", b"")
    return out


def ink(shape, x, y, side=28):
    """Ink 0...255 of `shape` at (x, y) of a picture `side` pixels wide, scaled from 28."""
    return shape[min(27, y * 28 // side) * 28 + min(27, x * 28 // side)]


def png_seeds():
    def dark_on_white(shape):
        return lambda x, y: (255 - ink(shape, x, y),)

    gray = png(28, 28, dark_on_white(SEVEN), 0)
    truncated_at = gray.index(b"IDAT") + 20
    bad_crc = bytearray(gray)
    bad_crc[29] ^= 0x01  # inside the IHDR CRC
    palette = bytes([255, 255, 255, 0, 0, 0, 200, 30, 30, 90, 90, 90])
    return {
        # Valid pictures of every colour type and depth, interlaced or not, every filter type.
        "gray8-seven.png": gray,
        "gray8-all-filters.png": png(28, 28, dark_on_white(ZERO), 0, filters="all"),
        "gray8-adam7.png": png(28, 28, dark_on_white(ONE), 0, interlaced=True),
        "gray1-one.png": png(32, 32, lambda x, y: (0 if ink(ONE, x, y, 32) > 128 else 1,), 0, depth=1),
        "gray4-zero.png": png(20, 20, lambda x, y: (15 - ink(ZERO, x, y, 20) // 17,), 0, depth=4),
        "gray16-seven.png": png(28, 28, lambda x, y: ((255 - ink(SEVEN, x, y)) * 257,), 0, depth=16),
        "gray16-adam7.png": png(28, 28, lambda x, y: ((255 - ink(ZERO, x, y)) * 257,), 0, depth=16,
                                interlaced=True, filters="all"),
        "gray-alpha8-drawing.png": png(28, 28, lambda x, y: (0, ink(SEVEN, x, y)), 4),
        "gray-alpha16-adam7.png": png(28, 28, lambda x, y: (40000, ink(ONE, x, y) * 257), 4, depth=16,
                                      interlaced=True),
        "rgb8-blue-ink.png": png(28, 28, lambda x, y: (255 - ink(ZERO, x, y), 255 - ink(ZERO, x, y), 255), 2,
                                 filters="all"),
        "rgba8-page-with-hole.png": png(28, 28, lambda x, y: (255 - ink(ONE, x, y),) * 3 + (
            0 if x < 4 and y < 4 else 255,), 6),
        "rgba16-adam7.png": png(16, 16, lambda x, y: (x * 4000, y * 4000, 30000, 65535 - x * y * 200), 6,
                                depth=16, interlaced=True),
        "palette2-trns.png": png(28, 28, lambda x, y: (min(3, ink(SEVEN, x, y) // 64),), 3, depth=2,
                                 plte=palette, extra=[(b"tRNS", b"\x00")]),
        "gray8-trns-gamma-text.png": png(28, 28, dark_on_white(ONE), 0, extra=[
            (b"gAMA", struct.pack(">I", 45455)), (b"tRNS", b"\x00\xff"), (b"tEXt", b"Comment\x00seed")]),
        "rgb8-srgb-chrm.png": png(12, 12, lambda x, y: (x * 20, y * 20, 128), 2, extra=[
            (b"sRGB", b"\x00"), (b"cHRM", struct.pack(">8I", 31270, 32900, 64000, 33000, 30000, 60000,
                                                       15000, 6000))]),
        "blank-white.png": png(28, 28, lambda x, y: (255,), 0),
        "small-digit-on-large-page.png": png(400, 300, lambda x, y: (
            255 - ink(SEVEN, x - 180, y - 130) if 180 <= x < 208 and 130 <= y < 158 else 250,), 0),
        "one-by-one.png": png(1, 1, lambda x, y: (0,), 0),
        "missing-iend.png": png(28, 28, dark_on_white(ZERO), 0, end=False),
        # Broken pictures: each reaches one of the decoder's checks or libpng's.
        "empty.png": b"",
        "signature-only.png": PNG_SIGNATURE,
        "signature-line-endings-converted.png": b"\x89PNG\n\x1a\n" + gray[8:],
        "jpeg-header.png": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "truncated-in-idat.png": gray[:truncated_at],
        "bad-ihdr-crc.png": bytes(bad_crc),
        "no-image-data.png": PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0))
        + chunk(b"IEND", b""),
        "too-many-pixels.png": PNG_SIGNATURE
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(bytes(1000))) + chunk(b"IEND", b""),
        "corrupt-zlib.png": png(28, 28, dark_on_white(ONE), 0, idat_override=b"\x78\x9c" + bytes(range(40))),
        "too-little-image-data.png": png(28, 28, dark_on_white(ONE), 0, idat_override=zlib.compress(bytes(100))),
        "impossible-chunk-length.png": PNG_SIGNATURE + struct.pack(">I", 0xFFFFFFF0) + b"IHDR" + bytes(17),
    }


def main():
    write_corpus("FuzzIDX", idx_seeds())
    write_corpus("FuzzSafeTensors", safetensors_seeds())
    write_corpus("FuzzPNG", png_seeds())


if __name__ == "__main__":
    main()
