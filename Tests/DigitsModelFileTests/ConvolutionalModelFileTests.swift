import DigitsKit
import Testing

/// The convolutional network ↔ safetensors mapping of the row reader: what is written reads back
/// identically, and files that are valid safetensors but not a usable network are refused with a
/// reason that names what is wrong.
@Suite struct ConvolutionalModelFileTests {
    /// A small network over 12×20 images: 12×20 → 8×16 → 4×8×3 → 2×6 → 1×3×2 (or 1×6×2 when its
    /// second layer pools rows only), frames of two columns.
    static func network(secondPoolWidth: Int = 2) -> ConvolutionalNetwork {
        var generator = SplitMix64(seed: 8)
        let first = Convolution(
            kernelSize: 5, inputHeight: 12, inputWidth: 20, inputChannels: 1, outputChannels: 3, generator: &generator)
        let second = Convolution(
            kernelSize: 3, inputHeight: 4, inputWidth: 8, inputChannels: 3, outputChannels: 2,
            poolWidth: secondPoolWidth, generator: &generator)
        return ConvolutionalNetwork(
            convolutions: [first, second], window: 2,
            head: MLP(inputCount: 1 * 2 * 2, hidden: [5], outputCount: 11, activation: .relu, generator: &generator))
    }

    static func stored(_ change: (inout SafeTensorsFile) throws -> Void = { _ in }) throws -> SafeTensorsFile {
        var file = try ConvolutionalModelFile(network: network(), summary: "a test").safeTensors()
        try change(&file)
        return file
    }

    static func refusal(_ change: (inout SafeTensorsFile) throws -> Void) throws -> ModelFileError? {
        do {
            _ = try ConvolutionalModelFile(try stored(change), file: "r.safetensors", outputs: 11)
            return nil
        } catch let error as ModelFileError {
            return error
        }
    }

    @Test("a network reads back as written, with its frame window and layers in its metadata")
    func roundTrip() throws {
        let original = ConvolutionalModelFile(network: Self.network(), summary: "a test")
        let bytes = try original.safeTensors().encoded()
        let decoded = try ConvolutionalModelFile(SafeTensorsFile(decoding: bytes, file: "r"), file: "r", outputs: 11)
        #expect(decoded == original)
        let metadata = try SafeTensorsFile(decoding: bytes, file: "r").metadata
        #expect(metadata["format"] == "digits-cnn")
        #expect(metadata["input_shape"] == "12x20x1")
        #expect(metadata["frame_window"] == "2")
        #expect(metadata["pooling"] == "2x2,2x2")
        #expect(metadata["architecture"] == "12x20x1-conv5x3-conv3x2-window2-5-11")
    }

    @Test("a layer that pools rows only reads back so, and a file that does not say how it pools pools 2×2")
    func pooling() throws {
        let original = ConvolutionalModelFile(network: Self.network(secondPoolWidth: 1))
        var stored = try original.safeTensors()
        #expect(stored.metadata["pooling"] == "2x2,2x1")
        #expect(stored.metadata["architecture"] == "12x20x1-conv5x3-conv3x2/pool2x1-window2-5-11")
        let decoded = try ConvolutionalModelFile(
            SafeTensorsFile(decoding: stored.encoded(), file: "r"), file: "r", outputs: 11)
        #expect(decoded == original)
        #expect(decoded.network.frames == 5)

        stored = try ConvolutionalModelFile(network: Self.network()).safeTensors()
        stored.metadata["pooling"] = nil
        let older = try ConvolutionalModelFile(stored, file: "r", outputs: 11)
        #expect(older.network.convolutions.map(\.poolWidth) == [2, 2])
    }

    @Test("stored as halves, every weight is within a half's rounding of the original")
    func halves() throws {
        let original = ConvolutionalModelFile(network: Self.network())
        let bytes = try original.safeTensors(precision: .float16).encoded()
        let decoded = try ConvolutionalModelFile(SafeTensorsFile(decoding: bytes, file: "r"), file: "r", outputs: 11)
        for (a, b) in zip(
            decoded.network.convolutions[1].weight.storage, original.network.convolutions[1].weight.storage)
        {
            #expect(abs(a - b) <= abs(b) / 1024 + 1e-7)
        }
    }

    @Test(
        "the row readers built into the program decode, read rows 28 pixels tall, and have frames 2 and 4 columns apart"
    )
    func builtIn() throws {
        let rowReaders = try ShippedModel.loadRowReaders().map(\.network)
        for rowReader in rowReaders {
            #expect(rowReader.convolutions[0].inputHeight == 28 && rowReader.convolutions[0].inputChannels == 1)
            #expect(rowReader.outputCount == NumberReader.rowReaderOutputCount)
            #expect(rowReader.frames > 20)
        }
        #expect(rowReaders.map(\.frameStep) == [2, 4])
    }

    @Test("a file that is not a convolutional network, or whose shapes do not fit, is refused with the reason")
    func refusals() throws {
        func tensor(_ shape: [Int], _ value: Float = 0.1) throws -> SafeTensor {
            try SafeTensor(shape: shape, floats: [Float](repeating: value, count: shape.reduce(1, *)))
        }
        #expect(
            try Self.refusal { $0.metadata["format"] = "digits-mlp" }
                == .notADigitsModel(file: "r.safetensors", format: "digits-mlp"))
        #expect(
            try Self.refusal { $0.metadata["input_shape"] = "12x20" }
                == .unreadableInputShape(file: "r.safetensors", text: "12x20"))
        for pooling in ["2x2", "2x2,2x3", "2x2,,", "2x1,2x2,2x2", ""] {
            #expect(
                try Self.refusal { $0.metadata["pooling"] = pooling }
                    == .pooling(file: "r.safetensors", text: pooling, convolutions: 2))
        }
        #expect(
            try Self.refusal { $0.metadata["frame_window"] = "4" }
                == .frameWindow(file: "r.safetensors", text: "4", width: 3))
        #expect(
            try Self.refusal { $0.metadata["frame_window"] = "two" }
                == .frameWindow(file: "r.safetensors", text: "two", width: 3))
        // A 4×4 kernel over 12×20 leaves 9×17 convolved: odd sides cannot be pooled.
        #expect(
            try Self.refusal { $0.tensors["convolutions.0.weight"] = try tensor([4, 4, 1, 3]) }
                == .kernelShape(file: "r.safetensors", layer: 0, shape: [4, 4, 1, 3], input: [12, 20, 1]))
        #expect(
            try Self.refusal { $0.tensors["convolutions.1.bias"] = try tensor([3]) }
                == .tensorShape(file: "r.safetensors", name: "convolutions.1.bias", shape: [3], expected: [2]))
        #expect(
            try Self.refusal { $0.tensors["head.0.weight"] = try tensor([6, 5]) }
                == .tensorShape(file: "r.safetensors", name: "head.0.weight", shape: [6, 5], expected: [4, 5]))
        #expect(
            try Self.refusal { $0.tensors["head.0.bias"] = try tensor([5], .nan) }
                == .unusableTensor(file: "r.safetensors", name: "head.0.bias", problem: "holds NaN or infinite values"))
        #expect(
            try Self.refusal { $0.tensors["head.1.weight"] = nil }
                == .missingTensor(file: "r.safetensors", name: "head.1.weight"))
        #expect(
            try Self.refusal { $0.tensors["extra.0.weight"] = try tensor([1]) }
                == .unexpectedTensor(file: "r.safetensors", name: "extra.0.weight"))
        #expect(
            try Self.refusal { $0.metadata["architecture"] = "12x20x1-conv5x3-window2-5-11" }
                == .architectureMismatch(
                    file: "r.safetensors", metadata: "12x20x1-conv5x3-window2-5-11",
                    tensors: "12x20x1-conv5x3-conv3x2-window2-5-11"))
        do {
            _ = try ConvolutionalModelFile(try Self.stored(), file: "r.safetensors", outputs: 10)
            Issue.record("a network of 11 outputs was taken for one of 10")
        } catch let error as ModelFileError {
            #expect(
                error == .tensorShape(file: "r.safetensors", name: "head.1.weight", shape: [5, 11], expected: [5, 10]))
        }
        #expect(try Self.refusal { _ in } == nil)
    }
}
