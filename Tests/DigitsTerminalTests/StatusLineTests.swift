import Testing
import DigitsKit
@testable import DigitsTerminal

#if canImport(Glibc)
import Glibc
#endif

@Suite struct StatusLineTests {
    /// Collects what a status line writes, with a clock the test moves by hand.
    final class Screen {
        var written = ""
        var time = 0.0

        func statusLine(isTerminal: Bool) -> StatusLine {
            StatusLine(isTerminal: isTerminal, now: { self.time }, write: { self.written += $0 })
        }
    }

    static let erase = "\u{1B}[K"

    @Test func updatesRedrawInPlaceAtMostTenTimesASecond() {
        let screen = Screen()
        var status = screen.statusLine(isTerminal: true)
        var drawn = [status.update("a")]
        screen.time = 0.05
        drawn.append(status.update("b"))  // too soon after the last redraw
        screen.time = 0.11
        drawn.append(status.update("c"))
        screen.time = 0.12
        drawn.append(status.update("d", force: true))
        #expect(drawn == [true, false, true, true])
        #expect(screen.written == "\ra\(Self.erase)\rc\(Self.erase)\rd\(Self.erase)")
    }

    @Test func finishDrawsTheLatestLineEvenIfItWasThrottled() {
        let screen = Screen()
        var status = screen.statusLine(isTerminal: true)
        status.update("1/3")
        status.update("3/3")
        status.finish()
        #expect(screen.written == "\r1/3\(Self.erase)\r3/3\(Self.erase)\n")
    }

    @Test func finishWithALineReplacesTheStatusLine() {
        let screen = Screen()
        var status = screen.statusLine(isTerminal: true)
        status.update("working")
        status.finish("done in 1.23 s")
        #expect(screen.written == "\rworking\(Self.erase)\rdone in 1.23 s\(Self.erase)\n")
    }

    @Test func linesWrittenDuringProgressAppearAboveIt() {
        let screen = Screen()
        var status = screen.statusLine(isTerminal: true)
        status.update("[██░░] 2/4")
        status.writeLine("epoch 1: loss 0.3")
        let bar = "\r[██░░] 2/4\(Self.erase)"
        #expect(screen.written == bar + "\r\(Self.erase)epoch 1: loss 0.3\n" + bar)
    }

    @Test func clearErasesTheLine() {
        let screen = Screen()
        var status = screen.statusLine(isTerminal: true)
        status.clear()
        #expect(screen.written == "", "nothing shown, nothing to erase")
        status.update("x")
        status.clear()
        #expect(screen.written == "\rx\(Self.erase)\r\(Self.erase)")
    }

    @Test func notATerminalGetsOnlyPlainLines() {
        let screen = Screen()
        var status = screen.statusLine(isTerminal: false)
        let drawn = status.update("1/3")
        #expect(!drawn)
        status.writeLine("epoch 1/3  loss 0.3")
        status.finish("done")
        status.finish()
        #expect(screen.written == "epoch 1/3  loss 0.3\ndone\n")
    }

    @Test func pipeHasNoTerminalWidth() {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { descriptors.forEach { close($0) } }
        #expect(StatusLine.terminalColumns(descriptors[1]) == nil)
    }
}
