// libFuzzer target for model files: each input is read as a safetensors file and, when that
// succeeds, validated as a digits model, as `digits evaluate --model` and `digits classify` do.
// A file whose metadata has a `checkpoint` entry is also read as a training checkpoint, as
// `digits train --resume` does, and training is resumed from it for a batch or two.
//
// Besides "no crash, no leak, no huge allocation", each call checks what the readers promise:
// every error names the file; a file that was read re-encodes to the same contents; an accepted
// model takes 784 inputs, gives 10 probabilities and survives being written out and read back.

import DigitsKit

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The entry point libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let name = "fuzz-model.safetensors"

    let stored: SafeTensorsFile
    do {
        stored = try SafeTensorsFile(decoding: input, file: name)
    } catch {
        precondition(error.description.contains(name), "error does not name the file: \(error)")
        return 0
    }
    if stored.metadata["checkpoint"] != nil {
        checkCheckpoint(input)
    }
    let encoded: [UInt8]
    do {
        encoded = try stored.encoded()
    } catch {
        preconditionFailure("a file that was read cannot be encoded again: \(error)")
    }
    precondition(
        (try? SafeTensorsFile(decoding: encoded, file: name)) == stored, "a file does not survive re-encoding")

    let modelFile: ModelFile
    do {
        modelFile = try ModelFile(stored, file: name)
    } catch {
        precondition(error.description.contains(name), "error does not name the file: \(error)")
        return 0
    }
    checkModel(modelFile, name: name)
    return 0
}

/// Runs an accepted model once and writes it out and back in.
private func checkModel(_ modelFile: ModelFile, name: String) {
    let model = modelFile.model
    precondition(model.inputCount == 784 && model.outputCount == 10, "accepted a model that is not 784 → 10")

    // A mid-gray input touches every weight; the answer must be ten probabilities, whatever
    // their values (weights that are finite but enormous may overflow to NaN).
    let probabilities = model.probabilities(for: [Float](repeating: 0.5, count: 784))
    precondition(probabilities.count == 10, "expected 10 probabilities, got \(probabilities.count)")
    precondition((0 ..< 10).contains(Softmax.argmax(probabilities)), "argmax is not a digit")

    let rewritten: SafeTensorsFile
    do {
        rewritten = try modelFile.safeTensors()
    } catch {
        preconditionFailure("an accepted model cannot be written again: \(error)")
    }
    let reread = try? ModelFile(rewritten, file: name)
    precondition(reread == modelFile, "an accepted model does not survive being written and read back")
}

/// A folder of this process's own for checkpoint files (the checkpoint reader takes a folder);
/// scripts/fuzz points TMPDIR into its scratch folder, which it clears.
private let checkpointFolder: String = {
    let folder =
        FileManager.default.temporaryDirectory.path + "/digits-fuzz-checkpoint-\(UInt32.random(in: 0 ... .max))"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
}()

/// The three-image training set a checkpoint is resumed on; its seeds record 3 training examples.
private let resumeData = MNISTDataSet(
    images: (0 ..< 3 * MNISTDataSet.pixelsPerImage).map { UInt8(truncatingIfNeeded: $0 * 7) }, labels: [3, 1, 4])

/// Reads `input` as a checkpoint file and resumes training from it for at most two batches.
private func checkCheckpoint(_ input: [UInt8]) {
    let path = TrainingCheckpoint.path(inFolder: checkpointFolder)
    guard FileManager.default.createFile(atPath: path, contents: Data(input)) else {
        preconditionFailure("cannot write \(path)")
    }
    let checkpoint: TrainingCheckpoint
    do {
        checkpoint = try TrainingCheckpoint(contentsOfFolder: checkpointFolder)
    } catch {
        precondition("\(error)".contains(path), "error does not name the file: \(error)")
        return
    }
    precondition(checkpoint.velocities.count == checkpoint.model.layers.count, "a velocity per layer")

    var trainer: Trainer
    do {
        trainer = try Trainer(resuming: checkpoint, trainingSet: resumeData, testSet: resumeData)
    } catch {
        return
    }
    var batches = 0
    do {
        try trainer.runEpoch(shouldStop: {
            batches += 1
            return batches > 2
        })
    } catch {
        return
    }
}
