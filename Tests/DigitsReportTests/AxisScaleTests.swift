import Testing

@testable import DigitsReport

/// Tick choice and the mapping of values to positions along a chart's axis.
@Suite struct AxisScaleTests {
    @Test func stepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
        #expect(AxisScale.niceStep(for: 0.13) == 0.2)
        #expect(AxisScale.niceStep(for: 0.3) == 0.5)
        #expect(AxisScale.niceStep(for: 2.1) == 2.5)
        #expect(AxisScale.niceStep(for: 7) == 10)
        #expect(AxisScale.niceStep(for: 100) == 100)
        #expect(AxisScale.niceStep(for: 0) == 1)
        #expect(AxisScale.niceStep(for: .nan) == 1)
    }

    @Test func aLinearAxisEndsOnTicksJustOutsideTheData() {
        let loss = AxisScale.linear(covering: 0.0184, 0.7931, targetTickCount: 6)
        #expect(loss.lower == 0 && loss.upper == 0.8)
        #expect(loss.ticks.map { loss.label(for: $0) } == ["0.0", "0.2", "0.4", "0.6", "0.8"])

        let accuracy = AxisScale.linear(covering: 0.7505, 0.9978, targetTickCount: 6)
        #expect(accuracy.lower == 0.75 && accuracy.upper == 1)
        #expect(accuracy.ticks.map { accuracy.label(for: $0) } == ["0.75", "0.80", "0.85", "0.90", "0.95", "1.00"])

        let negative = AxisScale.linear(covering: -3.2, 4.9, targetTickCount: 5)
        #expect(negative.ticks == [-5, -2.5, 0, 2.5, 5])
        #expect(negative.ticks.map { negative.label(for: $0) } == ["-5.0", "-2.5", "0.0", "2.5", "5.0"])
    }

    @Test func tenthsDoNotDriftIntoLongDecimals() {
        let axis = AxisScale.linear(covering: 0, 0.7, targetTickCount: 8)
        #expect(axis.step == 0.1)
        #expect(axis.ticks.map { axis.label(for: $0) } == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    }

    @Test func anIntegerAxisStepsByWholeNumbers() {
        let epochs = AxisScale.linear(covering: 1, 10, targetTickCount: 8, integers: true)
        #expect(epochs.ticks == [0, 2, 4, 6, 8, 10])
        #expect(epochs.ticks.map { epochs.label(for: $0) } == ["0", "2", "4", "6", "8", "10"])
        let three = AxisScale.linear(covering: 1, 3, targetTickCount: 8, integers: true)
        #expect(three.ticks == [1, 2, 3])
    }

    @Test func aSingleValueGetsAnAxisAroundIt() {
        let oneEpoch = AxisScale.linear(covering: 1, 1, integers: true)
        #expect(oneEpoch.ticks == [0, 1, 2])
        let oneValue = AxisScale.linear(covering: 0.5, 0.5)
        #expect(oneValue.lower < 0.5 && oneValue.upper > 0.5)
        let zero = AxisScale.linear(covering: 0, 0)
        #expect(zero.lower <= -1 && zero.upper >= 1)
        let broken = AxisScale.linear(covering: .nan, .infinity)
        #expect(broken.lower == 0 && broken.upper == 1)
    }

    @Test func aLogarithmicAxisRunsBetweenPowersOfTen() {
        let short = AxisScale.logarithmic(covering: 0.0184, 0.7931)
        #expect(short.lower == 0.01 && short.upper == 1)
        // Under three decades, 2× and 5× ticks fill in.
        #expect(short.ticks.map { short.label(for: $0) } == ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"])
        let long = AxisScale.logarithmic(covering: 0.00003, 0.225)
        #expect(long.lower == 0.00001 && long.upper == 1)
        #expect(long.ticks.map { long.label(for: $0) } == ["1e-5", "1e-4", "0.001", "0.01", "0.1", "1"])
        let exact = AxisScale.logarithmic(covering: 0.1, 10)
        #expect(exact.lower == 0.1 && exact.upper == 10)
        let one = AxisScale.logarithmic(covering: 3, 3)
        #expect(one.lower == 1 && one.upper == 10)
    }

    @Test func positionsAreFractionsOfTheAxis() {
        let linear = AxisScale.linear(covering: 0, 10, targetTickCount: 6)
        #expect(linear.fraction(of: 0) == 0)
        #expect(linear.fraction(of: 5) == 0.5)
        #expect(linear.fraction(of: 10) == 1)
        let log = AxisScale.logarithmic(covering: 0.01, 1)
        #expect(abs(log.fraction(of: 0.1) - 0.5) < 1e-12)
        #expect(log.fraction(of: 1) == 1)
        #expect(log.fraction(of: 0) == -.infinity)
    }
}
