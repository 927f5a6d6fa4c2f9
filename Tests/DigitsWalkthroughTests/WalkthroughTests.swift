import Testing
import DigitsKit

@Suite struct WalkthroughTests {
    @Test func walkthroughPrintsTheNotesNumbers() {
        let text = CandyBarWalkthrough().text()
        for expected in [
            "= [[17, 29]]", "= [[12]]", "= [[-17], [-29]]", "= [[-0.5, 0]]",
            "= [[-2.5, 0], [-3, 0]]", "= [[0.67], [0.29]]",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
    }
}
