import DigitsFileSystem
import DigitsModel
import DigitsModelFile
import DigitsTensor
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension TrainingCheckpoint {
    /// The file a checkpoint folder holds.
    public static let fileName = "checkpoint.safetensors"

    /// What goes in the metadata beside the tensors.
    private struct State: Codable {
        var configuration: TrainingConfiguration
        var history: [EpochMetrics]
        var position: EpochPosition
        var trainingExamples: Int
        var origin: TrainingOrigin?
    }

    /// Writes the checkpoint atomically as `folder/checkpoint.safetensors`, creating `folder`
    /// if needed. A crash during the write leaves the previous checkpoint whole.
    ///
    /// The file is laid out like a model file, plus the optimiser's first moments as
    /// `velocity.N.weight` / `velocity.N.bias` tensors (Adam's second moments, when kept, as
    /// `square.N.…`, and the weights' moving average as `average.N.…`) and the run's state as
    /// JSON in the `checkpoint` metadata entry.
    public func write(toFolder folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var file = try ModelFile(model: model, training: nil, history: history).safeTensors()
        let optimizerState: [(prefix: String, layers: [(weight: Matrix, bias: Matrix)])] = [
            ("velocity", velocities.map { ($0.weight, $0.bias) }),
            ("square", (squares ?? []).map { ($0.weight, $0.bias) }),
            ("average", (averagedModel?.layers ?? []).map { ($0.weight, $0.bias) }),
        ]
        for (prefix, layers) in optimizerState {
            for (index, layer) in layers.enumerated() {
                file.tensors["\(prefix).\(index).weight"] = try SafeTensor(
                    shape: [layer.weight.rows, layer.weight.columns], floats: layer.weight.storage)
                file.tensors["\(prefix).\(index).bias"] = try SafeTensor(
                    shape: [layer.bias.columns], floats: layer.bias.storage)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let state = State(
            configuration: configuration, history: history, position: position,
            trainingExamples: trainingExamples, origin: origin)
        file.metadata["checkpoint"] = String(decoding: try encoder.encode(state), as: UTF8.self)
        try file.write(to: Self.path(inFolder: folder))
    }

    /// Reads `folder/checkpoint.safetensors`.
    public init(contentsOfFolder folder: String) throws {
        let path = Self.path(inFolder: folder)
        guard FileSystem.isFile(path) else { throw CheckpointError.missing(folder: folder) }
        let stored = try SafeTensorsFile(contentsOf: path)
        guard let stateText = stored.metadata["checkpoint"],
            let state = try? JSONDecoder().decode(State.self, from: Data(stateText.utf8))
        else {
            throw CheckpointError.invalid(file: path, problem: "its 'checkpoint' metadata is missing or not valid")
        }
        // The model's own tensors are validated as a model file's are.
        var modelTensors = stored
        modelTensors.tensors = stored.tensors.filter { key, _ in
            !["velocity.", "square.", "average."].contains { key.hasPrefix($0) }
        }
        let model = try ModelFile(modelTensors, file: path).model
        let velocities = try Self.moments("velocity", of: model, in: stored, file: path)
        let squares =
            state.configuration.optimizerSettings.method.usesSecondMoments
            ? try Self.moments("square", of: model, in: stored, file: path) : nil
        var averagedModel: MLP?
        if state.configuration.optimizerSettings.averaging > 0 {
            var average = model
            for (l, values) in try Self.moments("average", of: model, in: stored, file: path).enumerated() {
                average.layers[l].weight.storage = values.weight.storage
                average.layers[l].bias.storage = values.bias.storage
            }
            averagedModel = average
        }
        guard state.configuration.hidden == Array(model.layerSizes.dropFirst().dropLast()) else {
            throw CheckpointError.invalid(file: path, problem: "its configuration does not match its tensors")
        }
        do {
            try state.configuration.validate()
        } catch {
            throw CheckpointError.invalidConfiguration(file: path, problem: error)
        }
        if let problem = Self.problem(with: state) {
            throw CheckpointError.invalid(file: path, problem: problem)
        }
        self.init(
            configuration: state.configuration, model: model, velocities: velocities, history: state.history,
            position: state.position, trainingExamples: state.trainingExamples)
        self.squares = squares
        self.averagedModel = averagedModel
        origin = state.origin
    }

    /// The optimiser state stored as `prefix.N.weight` and `prefix.N.bias`, one pair per layer of
    /// `model` and shaped like it.
    private static func moments(
        _ prefix: String, of model: MLP, in stored: SafeTensorsFile, file path: String
    ) throws -> [Dense.Gradients] {
        try model.layers.enumerated().map { index, layer in
            guard let weight = stored.tensors["\(prefix).\(index).weight"]?.floats,
                let bias = stored.tensors["\(prefix).\(index).bias"]?.floats,
                weight.count == layer.weight.storage.count, bias.count == layer.bias.storage.count
            else {
                throw CheckpointError.invalid(
                    file: path, problem: "\(prefix) tensors for layer \(index) are missing or mis-shaped")
            }
            var moment = Dense.Gradients(for: layer)
            moment.weight.storage = weight
            moment.bias.storage = bias
            return moment
        }
    }

    /// What makes a checkpoint's state (its configuration aside, which is validated first) one that
    /// no run can have written, or nil.
    ///
    /// Resuming trusts these numbers: it starts a thread per `threads`, sizes batches by `batchSize`,
    /// counts steps as `epochs ×` batches per epoch, carries on from `batchesDone` and adds to the
    /// running counters, so a damaged or edited file must be refused here rather than crash or
    /// exhaust memory there.
    private static func problem(with state: State) -> String? {
        let examples = state.trainingExamples
        guard examples > 0 else {
            return "it records \(examples) training examples"
        }
        let position = state.position
        let batchesPerEpoch = (examples - 1) / state.configuration.batchSize + 1
        if !(0 ... batchesPerEpoch).contains(position.batchesDone) {
            return "it stands at batch \(position.batchesDone) of an epoch of \(batchesPerEpoch) batches"
        }
        let seen = position.examplesSeen
        if !(0 ... examples).contains(seen) || !(0 ... seen).contains(position.correct) {
            return "its epoch so far counts \(position.correct) correct of \(seen) examples seen, "
                + "of \(examples) in all"
        }
        return nil
    }

    /// `folder/checkpoint.safetensors`.
    public static func path(inFolder folder: String) -> String {
        folder.hasSuffix("/") ? folder + fileName : folder + "/" + fileName
    }
}
