/// Numbers written for people: fixed decimals, counts, percentages, durations, byte sizes and
/// bars drawn with block characters.
///
/// Written without Foundation's `String(format:)` so the library does not load Foundation just
/// to print; results are the same on every platform and locale (`.` decimal point, `,`
/// thousands separator).
public enum Format {
    /// `value` rounded to `decimals` places (0...15), e.g. `fixed(0.12345, decimals: 4)` is
    /// `"0.1235"`. Halves round away from zero; `-0.00` is written `0.00`; non-finite values are
    /// `nan`, `inf` and `-inf`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        let decimals = min(max(decimals, 0), 15)
        var scale: UInt64 = 1
        for _ in 0 ..< decimals { scale *= 10 }
        let scaled = (value.magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)
        // Beyond 2^53 a Double no longer holds every integer; such values are not ours to print
        // digit by digit, so fall back to Swift's shortest representation.
        guard scaled < 9.0e15 else { return "\(value)" }
        let units = UInt64(scaled)
        let sign = value < 0 && units != 0 ? "-" : ""
        let whole = String(units / scale)
        guard decimals > 0 else { return sign + whole }
        let fraction = String(units % scale)
        return sign + whole + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// An integer with thousands separators, e.g. `41230` as `"41,230"`.
    public static func count(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var result = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    /// A fraction as a percentage, e.g. `percent(0.98123)` is `"98.12%"`.
    public static func percent(_ fraction: Double, decimals: Int = 2) -> String {
        fixed(fraction * 100, decimals: decimals) + "%"
    }

    /// A duration in seconds for reports: `"8.52 ms"`, `"850 ms"`, `"1.23 s"`, `"2 m 05 s"`,
    /// `"1 h 02 m"`.
    ///
    /// Under a second it shows three significant digits of milliseconds; under a minute,
    /// seconds to two decimals; then whole seconds, then whole minutes. Negative durations
    /// count as zero; a non-finite one is `"--"`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "--" }
        let seconds = max(seconds, 0)
        let milliseconds = seconds * 1000
        if let text = threeSignificantDigits(milliseconds, below: 1000) { return text + " ms" }
        if rounded(seconds, decimals: 2) < 60 { return fixed(seconds, decimals: 2) + " s" }
        let wholeSeconds = Int(seconds.rounded())
        if wholeSeconds < 3600 { return "\(wholeSeconds / 60) m \(twoDigits(wholeSeconds % 60)) s" }
        let wholeMinutes = Int((seconds / 60).rounded())
        return "\(wholeMinutes / 60) h \(twoDigits(wholeMinutes % 60)) m"
    }

    /// A compact duration for a progress line's ETA: `"3s"`, `"2m05s"`, `"1h02m"`; `"?"` if
    /// not finite. Negative durations count as zero.
    public static func shortDuration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let seconds = max(seconds, 0)
        let wholeSeconds = Int(seconds.rounded())
        if wholeSeconds < 60 { return "\(wholeSeconds)s" }
        if wholeSeconds < 3600 { return "\(wholeSeconds / 60)m\(twoDigits(wholeSeconds % 60))s" }
        let wholeMinutes = Int((seconds / 60).rounded())
        return "\(wholeMinutes / 60)h\(twoDigits(wholeMinutes % 60))m"
    }

    /// A byte count in binary units: `"512 B"`, `"1.5 KiB"`, `"1.2 MiB"`, up to PiB, one decimal.
    public static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        let sign = count < 0 ? "-" : ""
        var value = Double(count.magnitude)
        var unit = 0
        while unit < units.count - 1 && value >= 1024 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(sign)\(count.magnitude) B" }
        // 1023.96 KiB would print as "1024.0 KiB"; say "1.0 MiB" instead.
        if unit < units.count - 1 && rounded(value, decimals: 1) >= 1024 {
            value /= 1024
            unit += 1
        }
        return sign + fixed(value, decimals: 1) + " " + units[unit]
    }

    /// A horizontal bar for a value in [0, 1] that is `width` cells long when full, drawn with
    /// full blocks and a final eighth block, e.g. `bar(0.95, width: 8)` is `"███████▋"`.
    ///
    /// The value is rounded to the nearest eighth of a cell; values outside [0, 1] are clamped
    /// and NaN draws nothing. The result is not padded: it has at most `width` characters.
    public static func bar(_ fraction: Double, width: Int) -> String {
        let width = max(width, 0)
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        let eighths = Int((clamped * Double(width * 8)).rounded())
        let partials = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partials[eighths % 8]
    }

    // MARK: Helpers

    private static func rounded(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0 ..< decimals { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }

    /// `value` with three significant digits (`"8.52"`, `"85.2"`, `"852"`) if, so rounded, it is
    /// below `limit`; otherwise `nil`.
    private static func threeSignificantDigits(_ value: Double, below limit: Double) -> String? {
        for decimals in [2, 1, 0] {
            let bound = decimals == 2 ? 10.0 : decimals == 1 ? 100.0 : limit
            if rounded(value, decimals: decimals) < min(bound, limit) { return fixed(value, decimals: decimals) }
        }
        return nil
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
