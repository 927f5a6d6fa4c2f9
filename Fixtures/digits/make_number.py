#!/usr/bin/env python3
"""Render number-40917.png, the sample picture `digits read` reads in the README.

Five handwritten digits from the test split of the bundled MNIST subset (Fixtures/mnist-subset),
drawn as make_samples.py draws its single digits: enlarged with a smooth filter, turned back
into pen-like strokes, and set side by side in dark ink on white paper, each a little higher or
lower than the last, as a number written by hand would be.

Usage (Python standard library only; reads the subset from this checkout):

    python3 Fixtures/digits/make_number.py

Output is deterministic.
"""

import gzip
import os
import struct
import sys

from make_samples import HERE, clamp_byte, enlarge, mix, strokes, write_png

SUBSET = os.path.join(HERE, "..", "mnist-subset")

# Indices into the subset's test split, chosen for clear writing, and the digit each one is.
DIGITS = [(4, 4), (9, 0), (13, 9), (3, 1), (25, 7)]
# How far each digit sits below the top margin, in output pixels: handwriting wanders.
DROPS = [6, 0, 9, 3, 7]
FACTOR = 3  # 28 -> 84 pixels per digit
MARGIN = 24  # paper around the number
GAP = 18  # paper between two digits' ink


def read_idx(name):
    """The payload of a gzipped IDX file and its dimensions."""
    with open(os.path.join(SUBSET, name), "rb") as handle:
        data = gzip.decompress(handle.read())
    dimensions = data[3]
    shape = struct.unpack(">" + "I" * dimensions, data[4:4 + 4 * dimensions])
    return data[4 + 4 * dimensions:], shape


def ink_columns(ink):
    """The first and one past the last column holding any ink."""
    columns = [x for x in range(len(ink[0])) if any(row[x] > 0.02 for row in ink)]
    return columns[0], columns[-1] + 1


def main():
    images, shape = read_idx("t10k-images-idx3-ubyte.gz")
    labels, _ = read_idx("t10k-labels-idx1-ubyte.gz")
    if shape[1:] != (28, 28):
        sys.exit("expected 28x28 digits in the subset, got %s" % (shape,))
    inks = []
    for index, expected in DIGITS:
        if labels[index] != expected:
            sys.exit("test digit %d of the subset is a %d, expected a %d" % (index, labels[index], expected))
        pixels = list(images[index * 784:(index + 1) * 784])
        ink = strokes(enlarge(pixels, FACTOR), FACTOR)
        left, right = ink_columns(ink)
        inks.append([row[left:right] for row in ink])

    width = 2 * MARGIN + sum(len(ink[0]) for ink in inks) + GAP * (len(inks) - 1)
    height = 2 * MARGIN + 28 * FACTOR + max(DROPS)
    canvas = [[0.0] * width for _ in range(height)]
    x = MARGIN
    for ink, drop in zip(inks, DROPS):
        for y, row in enumerate(ink):
            for column, value in enumerate(row):
                canvas[MARGIN + drop + y][x + column] = value
        x += len(ink[0]) + GAP

    rows = [[clamp_byte(mix(252, 30, v)) for v in row] for row in canvas]
    text = "".join(str(digit) for _, digit in DIGITS)
    write_png(os.path.join(HERE, "number-%s.png" % text), width, height, 0, 8, rows)


if __name__ == "__main__":
    main()
