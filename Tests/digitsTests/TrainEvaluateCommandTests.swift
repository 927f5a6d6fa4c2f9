import DigitsKit
import Foundation
import Testing

/// `digits train`, `digits evaluate` and `digits walkthrough` run as a user runs them.
@Suite struct TrainEvaluateCommandTests {
    @Test func trainOnTheSubsetThenEvaluateReloadsTheSameAccuracy() throws {
        let scratch = try ScratchFolder()
        let model = scratch.path("subset.safetensors")
        let train = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "2", "--hidden", "48",
            "--output", model, "--json",
        ])
        #expect(train.status == 0, "\(train.standardError)")
        let lines = train.standardOutput.split(separator: "\n")
        #expect(lines.count == 3)  // two epochs and the summary
        let done = try #require(try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        #expect(done["event"] as? String == "done")
        // A finished run leaves no checkpoint behind.
        #expect(!FileManager.default.fileExists(atPath: scratch.path("subset.checkpoint")))

        let evaluate = try CommandRunner.run([
            "evaluate", "--data", "Fixtures/mnist-subset", "--model", model, "--json",
        ])
        #expect(evaluate.status == 0)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(evaluate.standardOutput.utf8)) as? [String: Any])
        #expect(report["count"] as? Int == 1000)
        #expect(report["accuracy"] as? Double == done["testAccuracy"] as? Double)
        let confusion = try #require(report["confusion"] as? [[Int]])
        #expect(confusion.count == 10 && confusion.allSatisfy { $0.count == 10 })
        #expect(confusion.joined().reduce(0, +) == 1000)

        let text = try CommandRunner.run(["evaluate", "--data", "Fixtures/mnist-subset", "--model", model])
        #expect(text.standardOutput.contains("Confusion matrix"))
        #expect(text.standardOutput.contains("precision"))
    }

    @Test func evaluateNamesTheBuiltInModel() throws {
        let environment = ["DIGITS_MODEL": ""]
        let text = try CommandRunner.run(
            ["evaluate", "--data", "Fixtures/mnist-subset"], environment: environment)
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.hasPrefix("Model: built-in (mnist-mlp.safetensors) (784-"))
        let json = try CommandRunner.run(
            ["evaluate", "--data", "Fixtures/mnist-subset", "--json"], environment: environment)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(report["model"] as? String == "built-in (mnist-mlp.safetensors)")
    }

    @Test func missingDataSaysHowToGetItAndAboutTheSubset() throws {
        let scratch = try ScratchFolder()
        let output = try CommandRunner.run(
            ["train", "--output", scratch.path("m.safetensors")], in: scratch.url,
            environment: ["DIGITS_DATA": "", "XDG_CACHE_HOME": scratch.path("cache")])
        #expect(output.status != 0)
        #expect(output.standardError.contains(scratch.path("cache") + "/digits/mnist (the per-user cache"))
        #expect(output.standardError.contains("data/mnist does not exist"))
        #expect(output.standardError.contains("Run `digits download` to fetch MNIST into"))
        #expect(output.standardError.contains("Fixtures/mnist-subset"))
    }

    @Test func aBrokenIDXFileIsNamedInTheError() throws {
        let scratch = try ScratchFolder()
        let data = scratch.url.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let subset = CommandRunner.packageRoot.appendingPathComponent("Fixtures/mnist-subset")
        for name in ["train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            try FileManager.default.copyItem(
                at: subset.appendingPathComponent(name), to: data.appendingPathComponent(name))
        }
        let broken = data.appendingPathComponent("train-images-idx3-ubyte")
        try Data([0, 0, 8, 3, 0, 0, 0, 9]).write(to: broken)
        let output = try CommandRunner.run(["train", "--data", data.path, "--output", scratch.path("m.safetensors")])
        #expect(output.status != 0)
        #expect(output.standardError.contains("train-images-idx3-ubyte"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("m.safetensors")))
    }

    @Test func divergingTrainingWritesNoModel() throws {
        let scratch = try ScratchFolder()
        let model = scratch.path("m.safetensors")
        try Data("previous model".utf8).write(to: URL(fileURLWithPath: model))
        let output = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "1",
            "--learning-rate", "1000", "--output", model,
        ])
        #expect(output.status != 0)
        #expect(output.standardError.contains("diverged"))
        #expect(output.standardError.contains("--learning-rate"))
        #expect(try String(contentsOfFile: model, encoding: .utf8) == "previous model")
    }

    @Test func anUnwritableOutputIsReportedBeforeTraining() throws {
        let output = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset",
            "--output", "/nonexistent-folder/m.safetensors",
        ])
        #expect(output.status != 0)
        #expect(output.standardError.contains("/nonexistent-folder"))
        #expect(!output.standardOutput.contains("epoch"))
    }

    @Test(arguments: [
        ["train", "--epochs", "0"], ["train", "--learning-rate", "-1"], ["train", "--momentum", "1"],
        ["train", "--hidden", "12,x"], ["train", "--activation", "softmax"], ["train", "--loss", "hinge"],
        ["train", "--resume", "x", "--epochs", "3"], ["evaluate", "--split", "validation"],
        ["train", "--threads", "0"], ["train", "--augment-strengths", "rotate=500"],
        ["train", "--augment-strengths", "spin=3"], ["train", "--augment-strengths", "rotate"],
        ["train", "--no-augment", "--augment-strengths", "rotate=3"], ["train", "--augment", "--no-augment"],
        ["train", "--resume", "x", "--no-augment"], ["train", "--label-smoothing", "1"],
        ["train", "--label-smoothing", "0.1", "--loss", "mse"], ["train", "--resume", "x", "--label-smoothing", "0.1"],
        ["train", "--optimizer", "rmsprop"], ["train", "--resume", "x", "--optimizer", "adam"],
        ["train", "--ema", "1"], ["train", "--ema", "-0.5"], ["train", "--resume", "x", "--ema", "0.99"],
        ["train", "--dropout", "1"], ["train", "--input-dropout", "-0.1"],
        ["train", "--dropout", "0.5", "--activation", "tanh"],
        ["train", "--resume", "x", "--dropout", "0.2"], ["train", "--output-precision", "f8"],
    ])
    func badFlagsExitWithTheUsageStatus(arguments: [String]) throws {
        let output = try CommandRunner.run(arguments)
        #expect(output.status == 64, "\(arguments): \(output.standardError)")
    }

    /// Adam and AdamW bring their own learning rate and AdamW its weight decay, unless given;
    /// the run says which rule it follows, and the model's training record keeps it.
    @Test func adamTrainsWithItsOwnLearningRateUnlessOneIsGiven() throws {
        let scratch = try ScratchFolder()
        let model = scratch.path("adam.safetensors")
        let adam = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "1", "--hidden", "32", "--optimizer", "adamw",
            "--output", model,
        ])
        #expect(adam.status == 0, "\(adam.standardError)")
        #expect(adam.standardOutput.contains("AdamW: learning rate 0.003 "))
        #expect(adam.standardOutput.contains("β1 0.9, β2 0.999, weight decay 0.01;"))
        let accuracy = try #require(
            adam.standardOutput.split(separator: "\n").last { $0.hasPrefix("Finished") }?
                .split(separator: "test accuracy ").last?.prefix { $0 != "%" })
        // One epoch on the 4,000 digits: far better than chance, or the rule did not train.
        #expect(try #require(Double(accuracy)) > 80)
        let report = try CommandRunner.run(["report", "--model", model, "--output", scratch.path("report")])
        #expect(report.status == 0, "\(report.standardError)")
        let page = try String(contentsOfFile: scratch.path("report/index.html"), encoding: .utf8)
        #expect(page.contains("AdamW learning rate 0.003"))

        let given = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "1", "--hidden", "32", "--optimizer", "adam",
            "--learning-rate", "0.01", "--output", model,
        ])
        #expect(given.status == 0, "\(given.standardError)")
        #expect(given.standardOutput.contains("Adam: learning rate 0.01 "))
        #expect(given.standardOutput.contains("β1 0.9, β2 0.999;"))
    }

    /// `--output-precision f16` writes a file of float16 tensors, and the accuracy the run
    /// reports is the one `evaluate` measures on that file.
    @Test func aHalfPrecisionModelIsEvaluatedAsWritten() throws {
        let scratch = try ScratchFolder()
        let model = scratch.path("half.safetensors")
        let trained = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "1", "--hidden", "32", "--output-precision", "f16",
            "--output", model, "--no-checkpoint",
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
        #expect(try SafeTensorsFile(contentsOf: model).tensors.values.allSatisfy { $0.dtype == .f16 })
        let finished = try #require(trained.standardOutput.split(separator: "\n").last { $0.hasPrefix("Finished") })
        let accuracy = try #require(finished.split(separator: "test accuracy ").last?.prefix { $0 != "," })
        let evaluated = try CommandRunner.run(["evaluate", "--data", "Fixtures/mnist-subset", "--model", model])
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        #expect(evaluated.standardOutput.contains(String(accuracy)), "\(accuracy) in \(evaluated.standardOutput)")
    }

    @Test func walkthroughPrintsTheWorkedExample() throws {
        let output = try CommandRunner.run(["walkthrough"])
        #expect(output.status == 0)
        #expect(output.standardOutput.contains("Z1 = I·W1 + b1"))
        #expect(output.standardOutput.contains("[[0.67], [0.29]]"))
    }

    @Test func evaluatingABrokenModelFileFailsClearly() throws {
        let scratch = try ScratchFolder()
        let model = scratch.path("broken.safetensors")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: model))
        let output = try CommandRunner.run(["evaluate", "--data", "Fixtures/mnist-subset", "--model", model])
        #expect(output.status != 0)
        #expect(output.standardError.contains(model))
    }
}
