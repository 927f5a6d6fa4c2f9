import Testing
import DigitsKit
@testable import DigitsTerminal

@Suite struct FormatTests {
    @Test func fixedRoundsToTheGivenDecimals() {
        #expect(Format.fixed(0.12345, decimals: 4) == "0.1235")
        #expect(Format.fixed(2.5, decimals: 0) == "3")
        #expect(Format.fixed(-2.5, decimals: 0) == "-3")
        #expect(Format.fixed(1.999, decimals: 2) == "2.00")
        #expect(Format.fixed(0.05, decimals: 3) == "0.050")
        #expect(Format.fixed(-0.001, decimals: 2) == "0.00")
        #expect(Format.fixed(-12.345678, decimals: 3) == "-12.346")
        #expect(Format.fixed(1234567.5, decimals: 1) == "1234567.5")
        #expect(Format.fixed(.nan, decimals: 2) == "nan")
        #expect(Format.fixed(-.infinity, decimals: 2) == "-inf")
        #expect(Format.fixed(1e300, decimals: 2) == "1e+300")
    }

    @Test func countsGetThousandsSeparators() {
        #expect(Format.count(0) == "0")
        #expect(Format.count(999) == "999")
        #expect(Format.count(1000) == "1,000")
        #expect(Format.count(41230) == "41,230")
        #expect(Format.count(60_000_000) == "60,000,000")
        #expect(Format.count(-1234567) == "-1,234,567")
        #expect(Format.count(Int.min) == "-9,223,372,036,854,775,808")
    }

    @Test func percentagesTakeFractions() {
        #expect(Format.percent(0.98123) == "98.12%")
        #expect(Format.percent(1) == "100.00%")
        #expect(Format.percent(0.5, decimals: 0) == "50%")
        #expect(Format.percent(0.000049) == "0.00%")
    }

    @Test func durationsPickAUnitForTheirSize() {
        #expect(Format.duration(0) == "0.00 ms")
        #expect(Format.duration(0.008523) == "8.52 ms")
        #expect(Format.duration(0.0852) == "85.2 ms")
        #expect(Format.duration(0.852) == "852 ms")
        #expect(Format.duration(0.9996) == "1.00 s")
        #expect(Format.duration(1.234) == "1.23 s")
        #expect(Format.duration(59.994) == "59.99 s")
        #expect(Format.duration(59.996) == "1 m 00 s")
        #expect(Format.duration(125) == "2 m 05 s")
        #expect(Format.duration(3599.4) == "59 m 59 s")
        #expect(Format.duration(3600) == "1 h 00 m")
        #expect(Format.duration(3725) == "1 h 02 m")
        #expect(Format.duration(-3) == "0.00 ms")
        #expect(Format.duration(.infinity) == "--")
    }

    @Test func shortDurationsAreCompact() {
        #expect(Format.shortDuration(3.4) == "3s")
        #expect(Format.shortDuration(59.4) == "59s")
        #expect(Format.shortDuration(59.6) == "1m00s")
        #expect(Format.shortDuration(125) == "2m05s")
        #expect(Format.shortDuration(3725) == "1h02m")
        #expect(Format.shortDuration(.nan) == "?")
    }

    @Test func byteSizesUseBinaryUnits() {
        #expect(Format.bytes(0) == "0 B")
        #expect(Format.bytes(1023) == "1023 B")
        #expect(Format.bytes(1024) == "1.0 KiB")
        #expect(Format.bytes(1536) == "1.5 KiB")
        #expect(Format.bytes(1_258_291) == "1.2 MiB")
        #expect(Format.bytes(1024 * 1024 - 1) == "1.0 MiB")
        #expect(Format.bytes(3 * 1024 * 1024 * 1024) == "3.0 GiB")
        #expect(Format.bytes(-2048) == "-2.0 KiB")
    }

    @Test func barsUseEighthBlocks() {
        #expect(Format.bar(0, width: 8) == "")
        #expect(Format.bar(1, width: 8) == "████████")
        #expect(Format.bar(0.5, width: 8) == "████")
        #expect(Format.bar(0.95, width: 8) == "███████▋")
        #expect(Format.bar(1.0 / 64, width: 8) == "▏")
        #expect(Format.bar(0.3, width: 10) == "███")
        #expect(Format.bar(0.35, width: 10) == "███▌")
        #expect(Format.bar(2, width: 4) == "████")
        #expect(Format.bar(-1, width: 4) == "")
        #expect(Format.bar(.nan, width: 4) == "")
        #expect(Format.bar(0.5, width: 0) == "")
    }
}
