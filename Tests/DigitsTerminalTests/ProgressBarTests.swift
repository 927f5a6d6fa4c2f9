import Testing
import DigitsKit
@testable import DigitsTerminal

@Suite struct ProgressBarTests {
    @Test func lineHasLabelBarCounterAndFields() {
        let bar = ProgressBar(width: 100, maximumBarWidth: 18)
        let line = bar.render(
            label: "epoch 2/5", done: 512, total: 938,
            fields: ["loss 0.1234", "acc 96.12%", "41,230 img/s", "ETA 3s"])
        #expect(line == "epoch 2/5 [█████████░░░░░░░░░] 512/938  loss 0.1234  acc 96.12%  41,230 img/s  ETA 3s")
    }

    @Test func counterIsPaddedSoTheLineDoesNotShift() {
        let bar = ProgressBar(width: 40, maximumBarWidth: 10)
        #expect(bar.render(label: "test", done: 5, total: 938) == "test [░░░░░░░░░░]   5/938")
        #expect(bar.render(label: "test", done: 938, total: 938) == "test [██████████] 938/938")
    }

    @Test func barFillsOnlyCompletedCells() {
        #expect(ProgressBar.bar(fraction: 0, cells: 4) == "░░░░")
        #expect(ProgressBar.bar(fraction: 0.99, cells: 4) == "███░")
        #expect(ProgressBar.bar(fraction: 1, cells: 4) == "████")
        #expect(ProgressBar.bar(fraction: 7, cells: 4) == "████")
        #expect(ProgressBar.bar(fraction: .nan, cells: 4) == "░░░░")
    }

    @Test func narrowWidthShrinksTheBarThenDropsTrailingFields() {
        let fields = ["loss 0.1234", "acc 96.12%"]
        // 61 columns: everything fits with a 20-cell bar.
        #expect(
            ProgressBar(width: 61).render(label: "epoch 1/5", done: 1, total: 2, fields: fields)
                == "epoch 1/5 [██████████░░░░░░░░░░] 1/2  loss 0.1234  acc 96.12%")
        // 50 columns: the bar would have to go below 10 cells, so the last field goes.
        #expect(
            ProgressBar(width: 50).render(label: "epoch 1/5", done: 1, total: 2, fields: fields)
                == "epoch 1/5 [██████████░░░░░░░░░░░] 1/2  loss 0.1234")
        // 20 columns: no fields left and not even the minimum bar fits, so the bar shrinks.
        #expect(
            ProgressBar(width: 20).render(label: "epoch 1/5", done: 1, total: 2, fields: fields)
                == "epoch 1/5 [██░░] 1/2")
        // 12 columns: nothing fits; the line is cut rather than wrapped.
        #expect(
            ProgressBar(width: 12).render(label: "epoch 1/5", done: 1, total: 2, fields: fields)
                == "epoch 1/5 []")
    }

    @Test func lineNeverExceedsTheWidth() {
        for width in 0 ... 90 {
            let line = ProgressBar(width: width).render(
                label: "epoch 10/10", done: 30, total: 60_000, fields: ["loss 0.1234", "ETA 1h02m"])
            #expect(line.count <= width, "width \(width): \(line)")
        }
    }

    @Test func doneIsClampedAndEmptyTotalShowsAFullBar() {
        let bar = ProgressBar(width: 40, maximumBarWidth: 4)
        #expect(bar.render(label: "x", done: 12, total: 10) == "x [████] 10/10")
        #expect(bar.render(label: "x", done: -3, total: 10) == "x [░░░░]  0/10")
        #expect(bar.render(label: "", done: 0, total: 0) == "[████] 0/0")
    }
}
