import Testing
import DigitsKit
@testable import DigitsTerminal

@Suite struct TextTableTests {
    @Test func numbersAlignRightAndTextLeft() {
        var table = TextTable(header: ["class", "precision", "recall", "note"])
        table.append(["0", "99.18%", "99.39%", "round"])
        table.append(["1", "98.5%", "100.00%", "a stroke"])
        table.append(["10", "-0.5", ".25", ""])
        #expect(
            table.render() == """
                class  precision   recall  note
                ─────  ─────────  ───────  ────────
                    0     99.18%   99.39%  round
                    1      98.5%  100.00%  a stroke
                   10       -0.5      .25
                """)
    }

    @Test func tableWithoutHeaderHasNoSeparator() {
        let table = TextTable(rows: [["kernel", "1.23 ms"], ["reference", "45.6 ms"]])
        #expect(
            table.render() == """
                kernel     1.23 ms
                reference  45.6 ms
                """)
    }

    @Test func explicitAlignmentOverridesTheGuess() {
        let table = TextTable(
            header: ["n", "name"], rows: [["1", "a"], ["22", "bb"]], alignments: [.left, .right], columnGap: 1)
        #expect(
            table.render() == """
                n  name
                ── ────
                1     a
                22   bb
                """)
    }

    @Test func shortRowsArePaddedWithEmptyCells() {
        let table = TextTable(header: ["a", "b", "c"], rows: [["1"], ["2", "3", "4"]])
        #expect(
            table.render() == """
                a  b  c
                ─  ─  ─
                1
                2  3  4
                """)
    }

    @Test func confusionMatrixLinesUp() {
        var table = TextTable(header: ["true\\pred", "0", "1", "2"])
        table.append(["0", "978", "0", "2"])
        table.append(["1", "0", "1,130", "5"])
        table.append(["2", "6", "1", "1,020"])
        #expect(
            table.render() == """
                true\\pred    0      1      2
                ─────────  ───  ─────  ─────
                        0  978      0      2
                        1    0  1,130      5
                        2    6      1  1,020
                """)
    }

    @Test func emptyTableRendersAsNothing() {
        #expect(TextTable().render() == "")
    }

    @Test func numericLookIsDecidedByTheFirstCharacters() {
        for text in ["0", "98.12%", "41,230", "-0.5", "+3", ".5", "1.2 MiB"] {
            #expect(TextTable.looksNumeric(text), "\(text)")
        }
        for text in ["", "-", "n/a", "epoch 1", "-x", "─"] {
            #expect(!TextTable.looksNumeric(text), "\(text)")
        }
    }
}
