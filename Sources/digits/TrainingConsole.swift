import DigitsKit

#if canImport(Glibc)
import Glibc
#endif

/// What `digits train` shows while it runs: a progress bar on a terminal, one line per epoch,
/// and a summary — or JSON lines with `--json`.
struct TrainingConsole {
    let json: Bool
    private var status = StatusLine(stream: .standardError)

    init(json: Bool) {
        self.json = json
    }

    func start(trainer: Trainer, trainingSet: MNISTDataSet, testSet: MNISTDataSet, dataPath: String) {
        guard !json else { return }
        let c = trainer.configuration
        let architecture = trainer.model.layerSizes.map(String.init).joined(separator: "-")
        let decay =
            switch c.decay {
            case .cosine: "cosine decay"
            case .constant: "no decay"
            case let .step(every, factor): "×\(factor) every \(every) epochs"
            }
        let warmup = c.warmupEpochs > 0 ? "\(c.warmupEpochs) epochs warmup" : "no warmup"
        print(
            "Training a \(architecture) MLP (\(c.activation.rawValue), \(c.loss.rawValue) loss"
                + (c.labelSmoothing.map { $0 > 0 ? ", label smoothing \($0)" : "" } ?? "")
                + (c.dropout.map { $0.summary.isEmpty ? "" : ", " + $0.summary } ?? "") + ") on "
                + "\(Format.count(trainingSet.count)) images from \(dataPath); testing on \(Format.count(testSet.count))."
        )
        print(
            "\(c.optimizerSettings.method.name): learning rate \(c.learningRate) (\(warmup), \(decay)), "
                + "\(c.optimizerSettings.summary); batch \(c.batchSize) (\(trainer.batchesPerEpoch) steps/epoch); seed \(c.seed); "
                + "\(c.threads) thread\(c.threads == 1 ? "" : "s").")
        print(
            "Augmentation: "
                + (c.augmentation.map { $0 == .light ? "light (\(StrengthList.text($0)))" : StrengthList.text($0) }
                    ?? "none") + ".")
        fflush(nil)
    }

    mutating func progress(_ p: TrainingProgress) {
        guard status.isTerminal else { return }
        let bar = ProgressBar(width: status.columns)
        status.update(
            bar.render(
                label: "epoch \(p.epoch)/\(p.epochs)", done: p.batch, total: p.batches,
                fields: [
                    "loss " + Format.fixed(p.loss, decimals: 4), "acc " + Format.percent(p.accuracy),
                    Format.count(Int(p.imagesPerSecond)) + " img/s",
                    "ETA " + Format.shortDuration(p.secondsRemaining),
                ]))
    }

    mutating func epochEnded(_ metrics: EpochMetrics, of epochs: Int) {
        status.clear()
        if json {
            print((try? jsonLine(EpochRecord(event: "epoch", metrics: metrics))) ?? "{}")
        } else {
            print(
                "epoch \(metrics.epoch)/\(epochs)"
                    + "  train loss \(Format.fixed(metrics.trainLoss, decimals: 4)) acc \(Format.percent(metrics.trainAccuracy))"
                    + "  |  test loss \(Format.fixed(metrics.testLoss, decimals: 4)) acc \(Format.percent(metrics.testAccuracy))"
                    + "  |  \(Format.duration(metrics.trainSeconds)), \(Format.count(Int(metrics.imagesPerSecond))) img/s"
            )
        }
        fflush(nil)
    }

    /// Takes the progress bar off the screen before the interruption is reported.
    mutating func interrupted() {
        status.clear()
    }

    /// Reports the finished run: its test scores are the model file's (which, stored as float16,
    /// may differ from the last epoch's by a digit or so).
    func finished(_ outcome: TrainingRun.Outcome) {
        let (history, output, bytes) = (outcome.history, outcome.modelPath, outcome.modelBytes)
        let last = (testAccuracy: outcome.summary.testAccuracy, testLoss: outcome.summary.testLoss)
        let seconds = history.reduce(0) { $0 + $1.trainSeconds + $1.evaluationSeconds }
        if json {
            print(
                (try? jsonLine(
                    Summary(
                        event: "done", model: output, epochs: history.count,
                        testAccuracy: last.testAccuracy, testLoss: last.testLoss, seconds: seconds))) ?? "{}")
        } else {
            print(
                "Finished \(history.count) epoch\(history.count == 1 ? "" : "s") in \(Format.duration(seconds)): "
                    + "test accuracy \(Format.percent(last.testAccuracy)), test loss \(Format.fixed(last.testLoss, decimals: 4))."
            )
            print("Model written to \(output) (\(Format.bytes(bytes))). Evaluate it: digits evaluate --model \(output)")
        }
        fflush(nil)
    }

    /// Says where the report went (a JSON line with `--json`).
    func reportWritten(_ page: ReportPage, folder: String) {
        let index = ReportPage.path(of: ReportPage.indexName, in: folder)
        if json {
            print(
                (try? jsonLine(
                    ReportRecord(event: "report", index: index, files: page.files.count, bytes: page.byteCount)))
                    ?? "{}")
        } else {
            print(ReportText.written(page, folder: folder))
        }
        fflush(nil)
    }

    private struct ReportRecord: Encodable {
        var event: String
        var index: String
        var files: Int
        var bytes: Int
    }

    private struct EpochRecord: Encodable {
        var event: String
        var metrics: EpochMetrics
    }

    private struct Summary: Encodable {
        var event: String
        var model: String
        var epochs: Int
        var testAccuracy: Double
        var testLoss: Double
        var seconds: Double
    }
}
