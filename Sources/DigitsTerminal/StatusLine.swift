#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A line at the bottom of a terminal that redraws itself in place (with `\r`), such as a
/// progress bar, plus ordinary lines printed above it.
///
/// When the stream is not a terminal (a pipe, a file, CI logs) `update` draws nothing, so the
/// caller can print one plain line per epoch instead; `isTerminal` tells it which to do, and
/// `writeLine` works in both cases. Redraws are throttled to one per `minimumInterval` seconds
/// (10 a second by default), since drawing every batch would cost more than the batch.
public struct StatusLine {
    /// Which standard stream to draw on.
    public enum Stream: Sendable {
        /// File descriptor 1.
        case standardOutput
        /// File descriptor 2: keeps progress out of output that is piped elsewhere.
        case standardError

        var descriptor: Int32 { self == .standardOutput ? 1 : 2 }
    }

    /// Whether the stream is a terminal, so that redrawing in place makes sense.
    public let isTerminal: Bool
    /// The terminal's width in characters (80 when unknown or not a terminal).
    public let columns: Int
    /// The least time between two redraws, in seconds.
    public var minimumInterval: Double

    private let now: () -> Double
    private let output: (String) -> Void
    private var lastDrawTime: Double?
    /// The latest line given to `update`, drawn or not, so it can be restored after `writeLine`.
    private var currentLine: String?
    /// Whether the status line is currently on screen.
    private var isShown = false

    /// A status line on standard error or output; finds out whether that stream is a terminal
    /// and how wide it is.
    public init(stream: Stream = .standardError, minimumInterval: Double = 0.1) {
        let descriptor = stream.descriptor
        let clock = ContinuousClock()
        let start = clock.now
        self.init(
            isTerminal: isatty(descriptor) == 1,
            columns: Self.terminalColumns(descriptor) ?? 80,
            minimumInterval: minimumInterval,
            now: {
                let elapsed = start.duration(to: clock.now).components
                return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            },
            write: { text in
                // Flush what `print` has buffered first, so lines keep their order on screen.
                fflush(nil)
                StatusLine.writeAll(text, to: descriptor)
            })
    }

    /// A status line over any output, for tests and for callers with their own stream.
    ///
    /// - Parameters:
    ///   - isTerminal: whether the output is a terminal; only then is the line drawn and redrawn.
    ///   - columns: the terminal's width in characters, for callers that fit their line to it.
    ///   - minimumInterval: the fewest seconds between two redraws.
    ///   - now: the current time in seconds, on any clock that does not go backwards.
    ///   - write: writes text exactly as given (no newline is added).
    public init(
        isTerminal: Bool, columns: Int = 80, minimumInterval: Double = 0.1,
        now: @escaping () -> Double, write: @escaping (String) -> Void
    ) {
        self.isTerminal = isTerminal
        self.columns = columns
        self.minimumInterval = minimumInterval
        self.now = now
        self.output = write
    }

    /// Shows `line` in place of the current status line, unless the last redraw was less than
    /// `minimumInterval` ago (or `force` is set). Does nothing when not on a terminal.
    ///
    /// Returns whether the line was drawn.
    @discardableResult
    public mutating func update(_ line: String, force: Bool = false) -> Bool {
        guard isTerminal else { return false }
        currentLine = line
        let time = now()
        if !force, let lastDrawTime, time - lastDrawTime < minimumInterval { return false }
        draw(line, at: time)
        return true
    }

    /// Prints `text` and a newline above the status line, which is then drawn again below it.
    /// When not on a terminal, just prints `text` and a newline.
    public mutating func writeLine(_ text: String) {
        guard isTerminal, isShown else {
            output(text + "\n")
            return
        }
        output("\r" + Self.eraseToEndOfLine + text + "\n")
        isShown = false
        if let currentLine { draw(currentLine, at: now()) }
    }

    /// Ends the status line: on a terminal, draws `line` (or else the latest line given to
    /// `update`) one last time and moves to the next line, leaving it on screen. When not on a
    /// terminal, prints `line` and a newline if given.
    public mutating func finish(_ line: String? = nil) {
        defer { (currentLine, lastDrawTime, isShown) = (nil, nil, false) }
        guard isTerminal else {
            if let line { output(line + "\n") }
            return
        }
        if let last = line ?? currentLine {
            output("\r" + last + Self.eraseToEndOfLine + "\n")
        } else if isShown {
            output("\n")
        }
    }

    /// Removes the status line from the screen (e.g. before the program prints an error).
    public mutating func clear() {
        defer { (currentLine, lastDrawTime, isShown) = (nil, nil, false) }
        guard isTerminal, isShown else { return }
        output("\r" + Self.eraseToEndOfLine)
    }

    /// The ANSI sequence that erases from the cursor to the end of the line, so a shorter line
    /// leaves nothing of a longer one behind.
    static let eraseToEndOfLine = "\u{1B}[K"

    private mutating func draw(_ line: String, at time: Double) {
        output("\r" + line + Self.eraseToEndOfLine)
        lastDrawTime = time
        isShown = true
    }

    /// The width of the terminal on `descriptor`, or `nil` if it is not a terminal.
    static func terminalColumns(_ descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes all of `text` to `descriptor`, retrying after interruptions; errors (a closed
    /// pipe) are ignored, as progress output is not worth failing over.
    static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var done = 0
            while done < buffer.count {
                let result = write(descriptor, buffer.baseAddress! + done, buffer.count - done)
                if result > 0 {
                    done += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
