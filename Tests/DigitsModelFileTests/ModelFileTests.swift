import Testing
import DigitsKit
import DigitsTestSupport

/// The MLP ↔ safetensors mapping: what is written reads back identically, and files that are
/// valid safetensors but not usable digits models are refused with a clear reason.
@Suite struct ModelFileTests {
    static func model(hidden: [Int] = [16, 8]) -> MLP {
        var generator = SplitMix64(seed: 4)
        return MLP(inputCount: 784, hidden: hidden, outputCount: 10, activation: .tanh, generator: &generator)
    }

    @Test func roundTripKeepsWeightsActivationAndTrainingRecord() throws {
        let record = TrainingRecord(
            summary: #"{"command":"digits train --epochs 3","epochs":3}"#,
            history: #"[{"epoch":1,"testAccuracy":0.95}]"#)
        let original = ModelFile(model: Self.model(), trainingRecord: record)
        let bytes = try original.safeTensors().encoded()
        let decoded = try ModelFile(SafeTensorsFile(decoding: bytes, file: "m.safetensors"), file: "m.safetensors")
        #expect(decoded == original)
        let stored = try SafeTensorsFile(decoding: bytes, file: "m")
        #expect(stored.metadata["architecture"] == "784-16-8-10")
        #expect(stored.metadata["activation"] == "tanh")
        #expect(stored.metadata["input_scaling"] == "pixel/255")
        #expect(stored.metadata["training"] == record.summary)
        #expect(stored.metadata["history"] == record.history)
        #expect(
            stored.sortedTensorNames == [
                "layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight",
                "layers.2.bias", "layers.2.weight",
            ])
    }

    @Test func aHalfPrecisionFileHoldsTheRoundedWeightsInHalfTheBytes() throws {
        let original = ModelFile(model: Self.model())
        let full = try original.safeTensors().encoded()
        let half = try original.safeTensors(precision: .float16).encoded()
        let stored = try SafeTensorsFile(decoding: half, file: "half")
        #expect(stored.tensors.values.allSatisfy { $0.dtype == .f16 })
        // The tensors shrink to half; the header is the same length give or take a few digits.
        let tensorBytes = Self.model().parameterCount * 4
        #expect(abs((full.count - half.count) - tensorBytes / 2) < 64)

        let decoded = try ModelFile(stored, file: "half")
        let rounded = original.model(storedAt: .float16)
        #expect(decoded.model == rounded)
        #expect(rounded != original.model)
        for (before, after) in zip(original.model.layers, rounded.layers) {
            for (value, halved) in zip(before.weight.storage, after.weight.storage) {
                #expect(abs(halved - value) <= abs(value) * 0x1p-11 + 0x1p-25)
                #expect(halved == Float(Float16(value)))
            }
        }
        #expect(original.model(storedAt: .float32) == original.model)
    }

    @Test func weightsBeyondHalfPrecisionAreRefusedRatherThanMadeInfinite() throws {
        var model = Self.model()
        model.layers[1].weight.storage[3] = 70_000
        #expect(throws: SafeTensorsError.notRepresentableAsHalf(value: 70_000)) {
            try ModelFile(model: model).safeTensors(precision: .float16)
        }
        #expect("\(SafeTensorsError.notRepresentableAsHalf(value: 70_000))".contains("store this model as F32"))
        _ = try ModelFile(model: model).safeTensors()
    }

    /// What loading the edited model says, read from a decoded file; the same file read in
    /// place (as the built-in model is) must say exactly the same.
    static func rejection(_ edit: (inout SafeTensorsFile) throws -> Void) throws -> String {
        var file = try ModelFile(model: model()).safeTensors()
        try edit(&file)
        let decoded: String
        do {
            _ = try ModelFile(file, file: "bad.safetensors")
            decoded = "accepted"
        } catch {
            decoded = "\(error)"
        }
        let inPlace = try file.encoded().withUnsafeBytes { bytes in
            do {
                _ = try ModelFile(SafeTensorsFile.Layout(of: bytes, file: "bad.safetensors"), file: "bad.safetensors")
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(inPlace == decoded)
        return decoded
    }

    @Test func inconsistentModelsAreRefusedWithTheReason() throws {
        let cases: [(String, (inout SafeTensorsFile) throws -> Void)] = [
            ("missing", { $0.tensors["layers.1.bias"] = nil }),
            ("unexpected tensor", { $0.tensors["extra"] = try SafeTensor(shape: [1], floats: [0]) }),
            (
                "do not chain",
                {
                    $0.tensors["layers.1.weight"] = try SafeTensor(
                        shape: [9, 8], floats: .init(repeating: 0, count: 72))
                }
            ),
            (
                "28×28",
                {
                    $0.tensors["layers.0.weight"] = try SafeTensor(
                        shape: [100, 16], floats: .init(repeating: 0, count: 1600))
                }
            ),
            (
                "needs 10",
                {
                    $0.tensors["layers.2.weight"] = try SafeTensor(
                        shape: [8, 3], floats: .init(repeating: 0, count: 24))
                    $0.tensors["layers.2.bias"] = try SafeTensor(shape: [3], floats: [0, 0, 0])
                    $0.metadata["architecture"] = nil
                }
            ),
            (
                "NaN",
                {
                    $0.tensors["layers.2.bias"] = try SafeTensor(
                        shape: [10], floats: [.nan] + .init(repeating: 0, count: 9))
                }
            ),
            // Finite, but eight tanh outputs near 1 times weights of 1e38 overflow a float's 3.4e38.
            (
                "infinite outputs",
                {
                    $0.tensors["layers.2.weight"] = try SafeTensor(
                        shape: [8, 10], floats: .init(repeating: 1e38, count: 80))
                }
            ),
            (
                "expected [8]",
                { $0.tensors["layers.1.bias"] = try SafeTensor(shape: [2, 4], floats: .init(repeating: 0, count: 8)) }
            ),
            ("update digits", { $0.metadata["format_version"] = "99" }),
            ("unknown activation", { $0.metadata["activation"] = "swish" }),
            ("metadata says", { $0.metadata["architecture"] = "784-32-10" }),
            ("'training' metadata is not a JSON object", { $0.metadata["training"] = "[1, 2]" }),
            ("'history' metadata is not a JSON array of objects", { $0.metadata["history"] = "[{}, 3]" }),
            ("'history' metadata is not a JSON array of objects", { $0.metadata["history"] = "{\"epoch\": 1" }),
            (
                "F32 or F16",
                {
                    $0.tensors["layers.2.bias"] = try SafeTensor(
                        dtype: .f64, shape: [10], bytes: .init(repeating: 0, count: 80))
                }
            ),
        ]
        for (expected, edit) in cases {
            let message = try Self.rejection(edit)
            #expect(message.contains(expected), "expected '\(expected)' in: \(message)")
            if message != "accepted" { #expect(message.contains("bad.safetensors")) }
        }
    }

    @Test func theShippedModelLoadsWithItsTrainingRecord() throws {
        let file = try ModelFile(contentsOf: DataTestSupport.packageRoot + "/" + ShippedModel.packagePath)
        #expect(file.model.layerSizes == [784, 1024, 512, 10])
        #expect(file.trainingRecord.summary != nil)
        #expect(file.trainingRecord.history != nil)
    }
}
