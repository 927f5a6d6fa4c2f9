#!/usr/bin/env python3
"""Writes the optdigits fixture: 1,797 handwritten digits of UCI's "Optical Recognition of
Handwritten Digits" collection, as scikit-learn ships them, in gzipped IDX files.

    pip download scikit-learn==1.9.1 --no-deps -d /tmp/wheel
    python3 Fixtures/optdigits/make_optdigits.py /tmp/wheel/scikit_learn-1.9.1-*.whl

Standard library only. Each digit is an 8 x 8 grid of counts 0-16: how many of the 16 pixels of
a 4 x 4 block of the writer's 32 x 32 bitmap were ink. They are kept as counts; the tests turn
them into pictures.
"""

import csv
import gzip
import io
import struct
import sys
import zipfile
from pathlib import Path

MEMBER = "sklearn/datasets/data/digits.csv.gz"
SIDE = 8


def idx(type_code: int, dimensions: list[int], payload: bytes) -> bytes:
    """An IDX file: two zero bytes, the element type, the number of dimensions, each dimension
    as a big-endian 32-bit count, then the elements."""
    header = bytes([0, 0, type_code, len(dimensions)]) + b"".join(struct.pack(">I", d) for d in dimensions)
    return header + payload


def write_gzip(path: Path, data: bytes) -> None:
    """One gzip member with no file name and mtime 0, so the bytes depend only on `data`."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as stream:
        stream.write(data)
    path.write_bytes(buffer.getvalue())


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make_optdigits.py SCIKIT_LEARN_WHEEL")
    with zipfile.ZipFile(sys.argv[1]) as wheel:
        text = gzip.decompress(wheel.read(MEMBER)).decode("ascii")
    images = bytearray()
    labels = bytearray()
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        values = [int(float(v)) for v in row]
        if len(values) != SIDE * SIDE + 1:
            sys.exit(f"line {number}: {len(values)} values, expected {SIDE * SIDE + 1}")
        counts, label = values[:-1], values[-1]
        if not all(0 <= c <= 16 for c in counts) or not 0 <= label <= 9:
            sys.exit(f"line {number}: a count outside 0-16 or a label outside 0-9")
        images += bytes(counts)
        labels.append(label)
    count = len(labels)
    if count != 1797:
        sys.exit(f"{count} digits, expected 1797")
    folder = Path(__file__).resolve().parent
    write_gzip(folder / "optdigits-images-idx3-ubyte.gz", idx(0x08, [count, SIDE, SIDE], bytes(images)))
    write_gzip(folder / "optdigits-labels-idx1-ubyte.gz", idx(0x08, [count], bytes(labels)))
    print(f"wrote {count} digits to {folder}")


if __name__ == "__main__":
    main()
