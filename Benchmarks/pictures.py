"""Pictures for the classification benchmarks: MNIST test digits as 28×28 PNG files, and one
large photo-sized PNG. A plain 8-bit gray PNG writer (no filtering) is all they need."""

import os
import struct
import zlib

from reference.mnist_io import load


def gray_png(width, height, rows):
    """The bytes of an 8-bit gray PNG whose rows are `height` byte strings of `width` bytes."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


def write_test_digits(data, folder):
    """Writes MNIST's test digits as `NNNNN-L.png` (L the label); returns how many."""
    images, labels = load(data, "test")
    os.makedirs(folder, exist_ok=True)
    for index, (pixels, label) in enumerate(zip(images, labels)):
        rows = [pixels[y * 28:(y + 1) * 28].tobytes() for y in range(28)]
        with open(os.path.join(folder, f"{index:05d}-{label}.png"), "wb") as handle:
            handle.write(gray_png(28, 28, rows))
    return len(labels)


def write_large_seven(path, side=5000):
    """A `side`×`side` picture of a thick dark 7 on white paper."""
    bar = side // 12
    rows = []
    for y in range(side):
        row = bytearray(b"\xff" * side)
        if side // 6 <= y < side // 6 + bar:  # the top stroke
            row[side // 4:3 * side // 4] = b"\x20" * (side // 2)
        elif side // 6 + bar <= y < 5 * side // 6:  # the diagonal down to the left
            centre = 3 * side // 4 - (y - side // 6) * (side // 3) // (2 * side // 3)
            row[centre - bar // 2:centre + bar // 2] = b"\x20" * (2 * (bar // 2))
        rows.append(bytes(row))
    with open(path, "wb") as handle:
        handle.write(gray_png(side, side, rows))


def write_number(data, path, count=8, width=1000, height=200):
    """A `width`×`height` picture of the first `count` MNIST test digits written side by side,
    dark on white, each enlarged five times (nearest neighbour) with a gap between; returns the
    number's text."""
    images, labels = load(data, "test")
    scale = 5
    side = 28 * scale
    rows = [bytearray(b"\xff" * width) for _ in range(height)]
    step = (width - 40) // count
    top = (height - side) // 2
    for index in range(count):
        pixels = images[index]
        left = 20 + index * step + (step - side) // 2
        for y in range(side):
            source = pixels[(y // scale) * 28:(y // scale) * 28 + 28]
            for x in range(side):
                ink = int(source[x // scale])
                if ink:
                    rows[top + y][left + x] = 255 - ink
    with open(path, "wb") as handle:
        handle.write(gray_png(width, height, [bytes(row) for row in rows]))
    return "".join(str(int(label)) for label in labels[:count])
