import DigitsImaging

/// A picture with what `NumberReader` read drawn over it, so that a person sees which ink was
/// read as which digit: the picture in gray, a frame around each digit coloured by how sure the
/// classifier was, and the digit read on a tag of the same colour above the frame (inside it, when
/// the frame touches the top of the picture).
///
/// Pixels are RGB, three bytes per pixel, row after row, ready for `PNGEncoder`. A transparent
/// picture is flattened on white, or on black when its ink is light (white chalk on a transparent
/// canvas would vanish on white). Frames and tags are clipped to the picture, so digits at its
/// edge, or boxes from another picture, never draw out of bounds. Sizes follow the digits: the
/// frame's line and the tag's lettering grow with the median height of the digits read, so a
/// number 30 pixels tall and one 300 pixels tall are marked alike.
public struct ReadingAnnotation: Equatable, Sendable {
    /// A colour, 8 bits per channel, sRGB.
    public struct Colour: Equatable, Sendable {
        /// Red, 0…255.
        public var red: UInt8
        /// Green, 0…255.
        public var green: UInt8
        /// Blue, 0…255.
        public var blue: UInt8

        /// A colour from its three channels.
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// A gray: all three channels at `level`.
        public init(gray level: UInt8) {
            self.init(red: level, green: level, blue: level)
        }
    }

    /// The frame of a digit read with at least this confidence is `confidentColour`.
    public static let confidentThreshold: Float = 0.9
    /// Below `confidentThreshold` and at least this, `unsureColour`; below this, `doubtfulColour`.
    public static let doubtfulThreshold: Float = 0.5
    /// Green, for digits the classifier is sure of.
    public static let confidentColour = Colour(red: 0, green: 170, blue: 60)
    /// Orange, for digits worth a second look.
    public static let unsureColour = Colour(red: 245, green: 140, blue: 0)
    /// Red, for digits more likely wrong than right.
    public static let doubtfulColour = Colour(red: 220, green: 30, blue: 30)
    /// The colour of the digit drawn on a tag: white reads well on all three tag colours.
    public static let labelColour = Colour(gray: 255)

    /// Number of columns (the picture's).
    public let width: Int
    /// Number of rows (the picture's).
    public let height: Int
    /// Red, green and blue per pixel, row after row: `width × height × 3` values.
    public private(set) var pixels: [UInt8]

    /// Draws `reading` over `image`, the picture it was read from.
    public init(image: GrayAlphaImage, reading: Reading) {
        width = image.width
        height = image.height
        pixels = Self.flattened(image, lightInk: Self.hasLightInkOnTransparency(image, reading))

        let digits = reading.digits
        let heights = digits.map(\.box.height).sorted()
        guard !heights.isEmpty else { return }
        let reference = heights[heights.count / 2]
        let lineWidth = Self.lineWidth(forDigitHeight: reference)
        let scale = Self.labelScale(forDigitHeight: reference)
        // Frames first, then every tag, so that no frame is drawn over a neighbour's tag.
        for digit in digits {
            drawFrame(Self.frame(around: digit.box, lineWidth: lineWidth), lineWidth: lineWidth, digit: digit)
        }
        for digit in digits {
            let frame = Self.frame(around: digit.box, lineWidth: lineWidth)
            let tag = Self.tag(above: frame, scale: scale, pictureWidth: width, pictureHeight: height)
            fill(tag, with: Self.colour(forConfidence: digit.confidence))
            drawGlyph(digit.digit, at: (tag.x + scale, tag.y + scale), scale: scale, colour: Self.labelColour)
        }
    }

    /// The frame colour for a digit read with `confidence`.
    public static func colour(forConfidence confidence: Float) -> Colour {
        if confidence >= confidentThreshold { return confidentColour }
        return confidence >= doubtfulThreshold ? unsureColour : doubtfulColour
    }

    /// The colour at column `x`, row `y` (both must be in range).
    public subscript(x: Int, y: Int) -> Colour {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)×\(height)")
        let index = 3 * (y * width + x)
        return Colour(red: pixels[index], green: pixels[index + 1], blue: pixels[index + 2])
    }

    /// The annotated picture as an 8-bit RGB PNG stream.
    public func pngBytes() throws(PNGError) -> [UInt8] {
        try PNGEncoder.encode(pixels: pixels, width: width, height: height, layout: .rgb)
    }

    /// Writes the annotated picture to `path` as an 8-bit RGB PNG, replacing any file there
    /// atomically (see `PNGEncoder.write(pixels:width:height:layout:toFile:)`).
    public func write(toFile path: String) throws(PNGError) {
        try PNGEncoder.write(pixels: pixels, width: width, height: height, layout: .rgb, toFile: path)
    }

    // MARK: Geometry

    /// The frame's line width for digits `height` pixels tall: a thirty-second of it, at least 1.
    static func lineWidth(forDigitHeight height: Int) -> Int {
        max(1, Int((Double(height) / 32).rounded()))
    }

    /// How many pixels each dot of a tag's 5×7 glyph takes, for digits `height` pixels tall: the
    /// glyph is about a fifth as tall as the digits, at least 7 pixels.
    static func labelScale(forDigitHeight height: Int) -> Int {
        max(1, Int((Double(height) / 5 / Double(glyphHeight)).rounded()))
    }

    /// The frame drawn around `box`: `lineWidth` pixels thick, leaving a gap of `lineWidth`
    /// between the frame and the ink, so the frame never hides a stroke.
    static func frame(around box: PixelBox, lineWidth: Int) -> PixelBox {
        let margin = 2 * lineWidth
        return PixelBox(
            x: box.x - margin, y: box.y - margin, width: box.width + 2 * margin, height: box.height + 2 * margin)
    }

    /// Where the tag of a digit framed by `frame` goes: a glyph with a margin of one dot all round,
    /// sitting on the frame's top-left corner, or inside the frame when there is no room above it;
    /// moved left or up to stay inside the picture when it can.
    static func tag(above frame: PixelBox, scale: Int, pictureWidth: Int, pictureHeight: Int) -> PixelBox {
        let width = (glyphWidth + 2) * scale
        let height = (glyphHeight + 2) * scale
        var y = frame.y - height
        if y < 0 { y = max(0, frame.y) }
        y = max(0, min(y, pictureHeight - height))
        let x = max(0, min(frame.x, pictureWidth - width))
        return PixelBox(x: x, y: y, width: width, height: height)
    }

    // MARK: Drawing

    /// The picture as gray RGB, transparency flattened on white (or on black for light ink).
    private static func flattened(_ image: GrayAlphaImage, lightInk: Bool) -> [UInt8] {
        let gray = DigitNormalizer.flatten(image, onto: lightInk ? 0 : 255)
        var pixels = [UInt8](repeating: 0, count: 3 * image.pixelCount)
        for (index, level) in gray.enumerated() {
            pixels[3 * index] = level
            pixels[3 * index + 1] = level
            pixels[3 * index + 2] = level
        }
        return pixels
    }

    /// Whether the reader found the ink in the opacity of a transparent canvas and that ink is
    /// light: its mean gray, weighted by opacity, is in the upper third.
    private static func hasLightInkOnTransparency(_ image: GrayAlphaImage, _ reading: Reading) -> Bool {
        guard reading.digits.first?.classification.input.inkSource == .opacity else { return false }
        var weighted = 0
        var total = 0
        for index in 0 ..< image.pixelCount {
            weighted += Int(image.gray[index]) * Int(image.alpha[index])
            total += Int(image.alpha[index])
        }
        return total > 0 && 3 * weighted > 2 * 255 * total
    }

    /// Draws the four sides of `frame`, each `lineWidth` thick, inside its outline.
    private mutating func drawFrame(_ frame: PixelBox, lineWidth: Int, digit: ReadDigit) {
        let colour = Self.colour(forConfidence: digit.confidence)
        let line = min(lineWidth, frame.width, frame.height)
        fill(PixelBox(x: frame.x, y: frame.y, width: frame.width, height: line), with: colour)
        fill(PixelBox(x: frame.x, y: frame.y + frame.height - line, width: frame.width, height: line), with: colour)
        fill(PixelBox(x: frame.x, y: frame.y, width: line, height: frame.height), with: colour)
        fill(PixelBox(x: frame.x + frame.width - line, y: frame.y, width: line, height: frame.height), with: colour)
    }

    /// Paints the part of `box` inside the picture.
    private mutating func fill(_ box: PixelBox, with colour: Colour) {
        let left = max(0, box.x)
        let right = min(width, box.x + box.width)
        let top = max(0, box.y)
        let bottom = min(height, box.y + box.height)
        guard left < right, top < bottom else { return }
        for y in top ..< bottom {
            for x in left ..< right {
                let index = 3 * (y * width + x)
                pixels[index] = colour.red
                pixels[index + 1] = colour.green
                pixels[index + 2] = colour.blue
            }
        }
    }

    /// Draws `digit`'s glyph with its top-left corner at `origin`, each dot `scale` pixels square.
    private mutating func drawGlyph(_ digit: Int, at origin: (x: Int, y: Int), scale: Int, colour: Colour) {
        guard Self.glyphs.indices.contains(digit) else { return }
        for (row, dots) in Self.glyphs[digit].enumerated() {
            for (column, dot) in dots.enumerated() where dot != " " {
                fill(
                    PixelBox(x: origin.x + column * scale, y: origin.y + row * scale, width: scale, height: scale),
                    with: colour)
            }
        }
    }

    // MARK: The font

    /// Columns of a glyph.
    static let glyphWidth = 5
    /// Rows of a glyph.
    static let glyphHeight = 7

    /// The digits 0…9 as 5×7 dot glyphs, `#` for a dot: drawn here rather than taken from a font
    /// file, so the annotation looks the same on every machine and needs no font.
    static let glyphs: [[String]] = [
        [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
        ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
        ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
        ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
        ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
        ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
        ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
        [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
        [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
    ]
}
