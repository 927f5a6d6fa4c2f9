#!/usr/bin/env python3
"""Render the digits 0-9 of a few common fonts into the glyph strips in this folder.

Each face becomes one 8-bit gray PNG strip (dark ink on white) holding its ten digit glyphs side
by side, each cropped to its ink and standing on the strip's common baseline. `glyphs.txt`
describes every glyph: where it is in its strip, and how the font places it (the left bearing,
the height of its top above the baseline and the advance to the next digit), so that numbers can
be set with the font's own spacing.

Faces are rendered at the size that makes their digits 64 px tall (the median over 0-9), so the
strips are comparable and small.

Usage (needs Pillow and the Debian packages fonts-dejavu-core, fonts-liberation2 and
fonts-freefont-ttf):

    pip install pillow
    python3 Fixtures/fonts/make_glyphs.py

The strips and glyphs.txt are rewritten in place.
"""

import os
import statistics

from PIL import Image, ImageDraw, ImageFont, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
FONTS = "/usr/share/fonts/truetype"

# (strip name, font file): sans, serif and monospaced, regular and bold.
FACES = [
    ("dejavu-sans", "dejavu/DejaVuSans.ttf"),
    ("dejavu-sans-bold", "dejavu/DejaVuSans-Bold.ttf"),
    ("dejavu-serif", "dejavu/DejaVuSerif.ttf"),
    ("dejavu-sans-mono", "dejavu/DejaVuSansMono.ttf"),
    ("liberation-sans", "liberation2/LiberationSans-Regular.ttf"),
    ("liberation-serif-bold", "liberation2/LiberationSerif-Bold.ttf"),
    ("liberation-mono", "liberation2/LiberationMono-Regular.ttf"),
    ("freesans-bold", "freefont/FreeSansBold.ttf"),
    ("freeserif", "freefont/FreeSerif.ttf"),
    ("freemono-bold", "freefont/FreeMonoBold.ttf"),
]

DIGIT_HEIGHT = 64  # the median digit's ink height, in pixels
GAP = 2  # blank columns between glyphs in a strip, so their antialiased edges never meet


def render(path, size, digit):
    """The digit's ink at `size` points, cropped: (image, bearing, rise, advance).

    The pen starts at the origin on the baseline; bearing is the ink's left edge to the right of
    it, rise the ink's top above the baseline, advance the pen's move to the next character.
    """
    # The basic layout engine, so the result does not depend on whether libraqm is installed.
    font = ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)
    canvas = Image.new("L", (3 * size, 3 * size), 255)
    origin = (size, 2 * size)
    ImageDraw.Draw(canvas).text(origin, digit, font=font, fill=0, anchor="ls")
    box = ImageOps.invert(canvas).getbbox()
    if box is None:
        raise ValueError("%s draws no ink for %r" % (path, digit))
    left, top, right, bottom = box
    return canvas.crop(box), left - origin[0], origin[1] - top, round(font.getlength(digit))


def size_for(path):
    """The point size at which the median digit is DIGIT_HEIGHT pixels tall."""
    probe = 200
    heights = [render(path, probe, d)[0].height for d in "0123456789"]
    return round(probe * DIGIT_HEIGHT / statistics.median(heights))


def main():
    lines = [
        "# Digit glyphs of the strips in this folder (made by make_glyphs.py), one per line:",
        "# strip digit x y width height bearing rise advance",
        "# x y width height: the glyph's ink box in <strip>.png; bearing: the ink's left edge to the",
        "# right of the pen; rise: the ink's top above the baseline; advance: the pen's move to the",
        "# next digit. All in pixels.",
    ]
    for name, font_file in FACES:
        path = os.path.join(FONTS, font_file)
        size = size_for(path)
        glyphs = [(d,) + render(path, size, d) for d in "0123456789"]
        above = max(rise for _, _, _, rise, _ in glyphs)
        below = max(image.height - rise for _, image, _, rise, _ in glyphs)
        width = sum(image.width for _, image, _, _, _ in glyphs) + GAP * (len(glyphs) + 1)
        strip = Image.new("L", (width, above + below), 255)
        x = GAP
        for digit, image, bearing, rise, advance in glyphs:
            y = above - rise
            strip.paste(image, (x, y))
            lines.append(
                "%s %s %d %d %d %d %d %d %d" % (name, digit, x, y, image.width, image.height, bearing, rise, advance)
            )
            x += image.width + GAP
        strip.save(os.path.join(HERE, name + ".png"), optimize=True)
        print("%-22s %3d pt  %4d x %3d px" % (name, size, strip.width, strip.height))
    with open(os.path.join(HERE, "glyphs.txt"), "w") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
