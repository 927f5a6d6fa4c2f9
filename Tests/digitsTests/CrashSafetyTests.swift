import DigitsKit
import Foundation
import Testing

/// `kill -9` can land at any instant, including in the middle of writing a checkpoint or the
/// model. Whatever instant it lands at, the files on disk must be the previous complete ones.
@Suite struct CrashSafetyTests {
    @Test func killingTrainingAtRandomMomentsNeverLeavesABrokenFile() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.url
        let model = folder.appendingPathComponent("m.safetensors").path
        let checkpoint = folder.appendingPathComponent("m.checkpoint").path

        var generator = SplitMix64(seed: 99)
        var checkpointsSeen = 0
        for _ in 0 ..< 12 {
            // Many short epochs: a checkpoint is written every few milliseconds.
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = [
                "train", "--data", "Fixtures/mnist-subset", "--epochs", "400", "--hidden", "8",
                "--batch-size", "500", "--output", model,
            ]
            process.currentDirectoryURL = CommandRunner.packageRoot
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait for the run to be saving (a slow build, such as a sanitizer's, starts late),
            // then kill it at a random moment among its saves.
            let checkpointFile = TrainingCheckpoint.path(inFolder: checkpoint)
            for _ in 0 ..< 200 where !FileManager.default.fileExists(atPath: checkpointFile) { usleep(50_000) }
            usleep(UInt32(generator.nextIndex(below: 500_000)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)

            // Whatever is there must load completely.
            if FileManager.default.fileExists(atPath: TrainingCheckpoint.path(inFolder: checkpoint)) {
                let saved = try TrainingCheckpoint(contentsOfFolder: checkpoint)
                #expect(saved.epochsDone >= 1)
                checkpointsSeen += 1
            }
            if FileManager.default.fileExists(atPath: model) {
                _ = try ModelFile(contentsOf: model)
            }
        }
        #expect(checkpointsSeen > 0, "no checkpoint was ever written before the kill; the test proved nothing")

        // A run that finishes cleans up after the killed ones: no temporary files, no checkpoint.
        let finish = try CommandRunner.run([
            "train", "--data", "Fixtures/mnist-subset", "--epochs", "2", "--hidden", "8",
            "--output", model,
        ])
        #expect(finish.status == 0)
        _ = try ModelFile(contentsOf: model)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(left == ["m.safetensors"], "left behind: \(left)")
    }
}

/// Ctrl-C during training: the run stops after the batch in progress, saves a checkpoint, says
/// how to continue and exits with 130; continuing it gives exactly the uninterrupted run's model.
@Suite struct InterruptTests {
    @Test func interruptedThenResumedRunMatchesAnUninterruptedOneBitForBit() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.url
        let model = folder.appendingPathComponent("m.safetensors").path
        let reference = folder.appendingPathComponent("reference.safetensors").path
        let checkpoint = folder.appendingPathComponent("m.checkpoint").path
        let settings = [
            "--data", "Fixtures/mnist-subset", "--epochs", "20", "--hidden", "16", "--batch-size", "100",
            "--threads", "2", "--seed", "7",
        ]

        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["train"] + settings + ["--output", model]
        process.currentDirectoryURL = CommandRunner.packageRoot
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let checkpointFile = TrainingCheckpoint.path(inFolder: checkpoint)
        for _ in 0 ..< 400 where !FileManager.default.fileExists(atPath: checkpointFile) { usleep(25_000) }
        kill(process.processIdentifier, SIGINT)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(message.contains("interrupted in epoch"))
        #expect(message.contains("digits train --resume \(checkpoint)"))
        #expect(!FileManager.default.fileExists(atPath: model))

        // The checkpoint remembers the data folder and the model path: `--resume` alone continues
        // the run, even from another folder.
        let resumed = try CommandRunner.run(["train", "--resume", checkpoint], in: folder)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(!resumed.standardError.contains("Warning"))
        let uninterrupted = try CommandRunner.run(["train"] + settings + ["--output", reference, "--no-checkpoint"])
        #expect(uninterrupted.status == 0)
        #expect(try ModelFile(contentsOf: model).model == ModelFile(contentsOf: reference).model)
        #expect(!FileManager.default.fileExists(atPath: checkpoint))
    }
}
