import DigitsTestSupport
import Testing

/// The scoring of readings against the texts expected.
@Suite struct ReadingScoreTests {
    @Test("edit distance counts the fewest single-digit changes")
    func editDistance() {
        func distance(_ a: String, _ b: String) -> Int { ReadingScore.editDistance(Array(a), Array(b)) }
        #expect(distance("", "") == 0)
        #expect(distance("123", "") == 3)
        #expect(distance("", "45") == 2)
        #expect(distance("40917", "40917") == 0)
        #expect(distance("40917", "40717") == 1)  // one replaced
        #expect(distance("4917", "40917") == 1)  // one missed
        #expect(distance("409917", "40917") == 1)  // one read twice
        #expect(distance("kitten", "sitting") == 3)
    }

    @Test("whole numbers must match exactly, row breaks included; digits are scored without them")
    func accuracies() {
        var score = ReadingScore()
        score.add(expected: "123", read: "123", time: .milliseconds(10))
        score.add(expected: "45\n67", read: "4567", time: .milliseconds(20))
        score.add(expected: "8901", read: "891", time: .milliseconds(30))
        #expect(score.samples == 3 && score.exact == 1)
        #expect(score.wholeAccuracy == 1.0 / 3)
        #expect(score.expectedDigits == 11 && score.digitErrors == 1)
        #expect(score.digitAccuracy == 1 - 1.0 / 11)
        #expect(score.meanReadingTime == .milliseconds(20))
    }

    @Test("a reader inventing digits scores no worse than nothing; an empty score is zero")
    func bounds() {
        var score = ReadingScore()
        #expect(score.wholeAccuracy == 0 && score.digitAccuracy == 0 && score.meanReadingTime == .zero)
        score.add(expected: "1", read: "222222")
        #expect(score.digitAccuracy == 0)
    }

    @Test("the table is Markdown with one line per kind")
    func table() {
        var score = ReadingScore()
        score.add(expected: "12", read: "12", time: .milliseconds(4))
        score.add(expected: "34", read: "35", time: .milliseconds(6))
        #expect(
            ReadingScore.markdownTable([("spaced", score)]) == """
                | kind   | samples | whole numbers | digits | mean read time |
                | ------ | ------: | ------------: | -----: | -------------: |
                | spaced |       2 |         50.0% |  75.0% |         5.0 ms |
                """)
    }

    @Test("the first column takes the heading it is given, padded to the widest cell")
    func tableHeading() {
        var score = ReadingScore()
        score.add(expected: "123", read: "123", time: .milliseconds(3))
        #expect(
            ReadingScore.markdownTable([("3", score)], names: "digits") == """
                | digits | samples | whole numbers | digits | mean read time |
                | ------ | ------: | ------------: | -----: | -------------: |
                | 3      |       1 |        100.0% | 100.0% |         3.0 ms |
                """)
    }
}
