import DigitsKit
import Testing

@testable import digits

/// How `digits train`'s augmentation flags set the configuration: light distortion unless told
/// otherwise, full with --augment, none with --no-augment, and strengths changed by name.
@Suite struct AugmentationOptionsTests {
    static func configuration(_ arguments: [String]) throws -> TrainingConfiguration {
        try Train.parse(arguments).trainingConfiguration
    }

    @Test func theDefaultIsLightDistortion() throws {
        #expect(try Self.configuration([]).augmentation == .light)
    }

    @Test func augmentAndNoAugmentChooseFullOrNone() throws {
        #expect(try Self.configuration(["--augment"]).augmentation == Augmentation())
        #expect(try Self.configuration(["--no-augment"]).augmentation == nil)
    }

    @Test func strengthsChangeTheChosenStartingPoint() throws {
        var light = Augmentation.light
        light.rotationDegrees = 3
        light.noise = 0.1
        #expect(try Self.configuration(["--augment-strengths", "rotate=3, noise=0.1"]).augmentation == light)
        var full = Augmentation()
        full.elasticAlpha = 0
        #expect(try Self.configuration(["--augment", "--augment-strengths", "elastic=0"]).augmentation == full)
    }

    @Test func aStrengthOutOfBoundsNamesTheFlagAndTheBound() {
        #expect {
            _ = try Train.parse(["--augment-strengths", "blur=2"])
        } throws: { error in
            Train.message(for: error).contains("--augment-strengths blur must be pixels between 0 and 0.8")
        }
    }

    @Test func theSpecificationTextListsTheStrengthsInUse() {
        #expect(StrengthList.text(.light) == "rotate=8,scale=0.08,shear=0.08,shift=1,stroke=0.3")
        #expect(StrengthList.text(.none) == "")
    }
}
