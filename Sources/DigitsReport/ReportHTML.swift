import DigitsData
import DigitsModelFile
import DigitsTerminal
import DigitsTraining

/// The markup of a report's `index.html`, from what `ReportPage` computed.
///
/// Every text that comes from outside (the model's name, the recorded command, error messages)
/// is escaped. The markup is also well-formed XML (every element closed, no named entities but
/// XML's own), so a strict parser reads it as well as a browser does.
struct ReportHTML {
    let modelFile: ModelFile
    let settings: ReportSettings
    let testSet: MNISTDataSet?
    let evaluation: EvaluationReport?
    let wrongDigits: [WrongDigit]
    let tiles: WeightTiles

    /// Okabe–Ito colours, told apart by people with the common colour-vision deficiencies.
    static let trainColor = "#0072b2"
    static let testColor = "#d55e00"
    static let rateColor = "#009e73"

    /// The style sheet: one readable column, at most about 60 em wide, that fits a phone and prints.
    static let style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45;
          color: #222; background: #fff; margin: 0; }
        main { max-width: 60em; margin: 0 auto; padding: 1em; }
        h1 { font-size: 1.6em; margin: 0.3em 0; }
        h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
        h3 { font-size: 1em; margin: 1.2em 0 0.3em; }
        .lead { color: #555; margin-top: 0; }
        .note { background: #fff8e1; border-left: 4px solid #e6a700; padding: 0.5em 0.8em; }
        dl.card { display: grid; grid-template-columns: max-content 1fr; gap: 0.25em 1em; }
        dl.card dt { font-weight: 600; }
        dl.card dd { margin: 0; overflow-wrap: anywhere; }
        code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.92em; }
        svg { display: block; width: 100%; height: auto; }
        svg.chart { max-width: 640px; }
        svg.heatmap { max-width: 430px; }
        table { border-collapse: collapse; margin: 0.5em 0; }
        th, td { padding: 0.15em 0.7em; text-align: right; border-bottom: 1px solid #eee; }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(5.5em, 1fr)); gap: 0.6em; }
        .figures figure { margin: 0; text-align: center; font-size: 0.85em; }
        .figures img { width: 56px; height: 56px; image-rendering: pixelated; display: block; margin: 0 auto 0.2em; }
        img.weights { max-width: 100%; height: auto; image-rendering: pixelated; }
        .scale { display: inline-block; width: 1em; height: 1em; vertical-align: middle; border: 1px solid #ccc; }
        footer { color: #777; font-size: 0.85em; margin-top: 3em; }
        @media (max-width: 30em) { dl.card { grid-template-columns: 1fr; } dl.card dd { margin-bottom: 0.4em; } }
        @media print {
          main { max-width: none; padding: 0; }
          section, figure, svg { break-inside: avoid; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """

    /// The whole page.
    func render() -> String {
        let architecture = modelFile.model.layerSizes.map(String.init).joined(separator: "-")
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(HTMLText.escape("Model report: \(settings.modelName)"))</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <main>
            <h1>Model report</h1>
            <p class="lead">\(HTMLText.escape(settings.modelName)) — a \(architecture) network</p>

            """
        html += modelCard()
        html += historySection()
        html += evaluationSection()
        html += weightsSection()
        html += """
            <footer>Made by <code>digits report</code>. The page needs no network and no scripts; \
            its pictures are the PNG files beside it.</footer>
            </main>
            </body>
            </html>

            """
        return html
    }

    // MARK: - The model card

    /// What the model is and how it was made, as far as its file records.
    func modelCard() -> String {
        let model = modelFile.model
        let notRecorded = "<em>not recorded</em>"
        var rows: [(String, String)] = [
            ("Model", HTMLText.escape(settings.modelName)),
            (
                "Architecture",
                "\(model.layerSizes.map(String.init).joined(separator: "-")) multi-layer perceptron, "
                    + "\(HTMLText.escape(model.hiddenActivation.rawValue)) hidden layers, softmax output"
            ),
            ("Parameters", "<span id=\"parameters\">\(Format.count(model.parameterCount))</span> weights and biases"),
        ]
        var note = ""
        let summary: TrainingSummary?
        do {
            summary = try modelFile.trainingSummary()
        } catch {
            summary = nil
            note = "<p class=\"note\">The file's training record cannot be read: \(HTMLText.escape("\(error)")).</p>\n"
        }
        let history = try? modelFile.trainingHistory()
        rows.append(("Training command", summary.map { "<code>\(HTMLText.escape($0.command))</code>" } ?? notRecorded))
        if let c = summary?.configuration {
            let schedule =
                switch c.decay {
                case .cosine: "cosine decay"
                case .constant: "constant"
                case let .step(every, factor): "×\(factor) every \(every) epochs"
                }
            let warmup = c.warmupEpochs > 0 ? ", \(c.warmupEpochs) epochs warmup" : ""
            let augmentation =
                c.augmentation.map { a in
                    ", images distorted on the fly (rotation \(a.rotationDegrees)°, scale ±\(a.scale), shear \(a.shear), "
                        + "shift \(a.shift) px, elastic α \(a.elasticAlpha) σ \(a.elasticSigma), stroke \(a.strokeWidth), "
                        + "blur \(a.blur), noise \(a.noise))"
                } ?? ""
            let smoothing = c.labelSmoothing.map { $0 > 0 ? " with label smoothing \($0)" : "" } ?? ""
            let dropout = c.dropout.map { $0.summary.isEmpty ? "" : ", " + $0.summary } ?? ""
            rows.append(
                (
                    "Settings",
                    HTMLText.escape(
                        "\(summary!.epochs) epochs, batch \(c.batchSize), \(c.optimizerSettings.method.name) learning rate "
                            + "\(c.learningRate) (\(schedule)\(warmup)), \(c.optimizerSettings.summary), "
                            + "\(c.loss.rawValue) loss\(smoothing)\(dropout)\(augmentation), "
                            + "seed \(c.seed), \(c.threads) threads")
                ))
        } else {
            rows.append(("Settings", notRecorded))
        }
        if let history, !history.isEmpty {
            let training = history.reduce(0) { $0 + $1.trainSeconds }
            let evaluating = history.reduce(0) { $0 + $1.evaluationSeconds }
            rows.append(
                (
                    "Training time",
                    "\(Format.duration(training + evaluating)) over \(history.count) epoch\(history.count == 1 ? "" : "s") "
                        + "(\(Format.duration(training)) training, \(Format.duration(evaluating)) testing)"
                ))
        } else {
            rows.append(("Training time", notRecorded))
        }
        if let summary {
            rows.append(
                (
                    "Training data",
                    "\(Format.count(summary.trainingExamples)) images, checksum "
                        + (summary.trainingDataFingerprint.map { "<code>\(HTMLText.escape($0))</code>" } ?? notRecorded)
                ))
            rows.append(
                (
                    "Accuracy when trained",
                    "\(Format.percent(summary.testAccuracy)) on \(Format.count(summary.testExamples)) test images "
                        + "(loss \(Format.fixed(summary.testLoss, decimals: 4))), test data checksum "
                        + (summary.testDataFingerprint.map { "<code>\(HTMLText.escape($0))</code>" } ?? notRecorded)
                ))
        } else {
            rows.append(("Training data", notRecorded))
            rows.append(("Accuracy when trained", notRecorded))
        }
        if let testSet, let evaluation {
            var evaluated =
                "\(Format.percent(evaluation.accuracy)) on \(Format.count(testSet.count)) images"
                + (settings.dataName.map { " from <code>\(HTMLText.escape($0))</code>" } ?? "")
                + ", checksum <code>\(testSet.fingerprint)</code>"
            if let recorded = summary?.testDataFingerprint {
                evaluated +=
                    recorded == testSet.fingerprint
                    ? " (the test set it was trained with)" : " (not the test set it was trained with)"
            }
            rows.append(("Accuracy here", evaluated))
        } else {
            rows.append(("Accuracy here", "<em>no test set was evaluated</em>"))
        }
        var html = "<section id=\"card\">\n<h2>Model card</h2>\n\(note)<dl class=\"card\">\n"
        for (term, value) in rows { html += "<dt>\(term)</dt><dd>\(value)</dd>\n" }
        return html + "</dl>\n</section>\n"
    }

    // MARK: - History

    /// Loss, accuracy and learning rate per epoch as charts, or why there are none.
    func historySection() -> String {
        var html = "<section id=\"history\">\n<h2>Training history</h2>\n"
        let history: [EpochMetrics]
        do {
            history = try modelFile.trainingHistory()
        } catch {
            return html
                + "<p class=\"note\">The file's training history cannot be read: \(HTMLText.escape("\(error)")).</p>\n</section>\n"
        }
        guard !history.isEmpty else {
            return html
                + "<p class=\"note\" id=\"no-history\">This model file records no training history (files written "
                + "before histories were kept have none), so there are no charts of its training.</p>\n</section>\n"
        }
        func points(_ value: (EpochMetrics) -> Double) -> [(x: Double, y: Double)] {
            history.map { (Double($0.epoch), value($0)) }
        }
        let losses = history.flatMap { [$0.trainLoss, $0.testLoss] }
        let loss = LineChart(
            title: "Loss per epoch, training and test", xLabel: "epoch", yLabel: "mean loss",
            series: [
                .init(name: "train", points: points(\.trainLoss), color: Self.trainColor, dashed: true),
                .init(name: "test", points: points(\.testLoss), color: Self.testColor),
            ],
            yScale: Self.prefersLogarithmicAxis(losses) ? .logarithmic : .linear, integerX: true)
        let accuracy = LineChart(
            title: "Accuracy per epoch, training and test", xLabel: "epoch", yLabel: "accuracy (%)",
            series: [
                .init(name: "train", points: points(\.trainAccuracy), color: Self.trainColor, dashed: true),
                .init(name: "test", points: points(\.testAccuracy), color: Self.testColor),
            ],
            integerX: true, yLabelFactor: 100)
        let rate = LineChart(
            title: "Learning rate at the end of each epoch", xLabel: "epoch", yLabel: "learning rate",
            series: [.init(name: "learning rate", points: points(\.learningRate), color: Self.rateColor)],
            integerX: true)
        let last = history[history.count - 1]
        html += "<p>\(history.count) epoch\(history.count == 1 ? "" : "s"); after the last, training loss "
        html += "\(Format.fixed(last.trainLoss, decimals: 4)) and accuracy \(Format.percent(last.trainAccuracy)), "
        html +=
            "test loss \(Format.fixed(last.testLoss, decimals: 4)) and accuracy \(Format.percent(last.testAccuracy)).</p>\n"
        html += "<h3>Loss</h3>\n\(loss.svg())\n"
        html += "<h3>Accuracy</h3>\n\(accuracy.svg())\n"
        html += "<h3>Learning rate</h3>\n\(rate.svg())\n"
        return html + "</section>\n"
    }

    /// Whether losses are best drawn on a logarithmic axis: when all are positive and they span
    /// at least a factor of ten, as a loss falling over a run does.
    static func prefersLogarithmicAxis(_ values: [Double]) -> Bool {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low > 0 else { return false }
        return high / low >= 10
    }

    // MARK: - Evaluation

    /// The test set's numbers, confusion heat map and wrong digits, or why there are none.
    func evaluationSection() -> String {
        var html = "<section id=\"evaluation\">\n<h2>On the test set</h2>\n"
        guard let testSet, let evaluation else {
            return html
                + "<p class=\"note\" id=\"no-test-set\">No test set was evaluated, so this report has no accuracy, "
                + "confusion matrix or wrong digits. Name the MNIST folder with <code>--data</code> to add them.</p>\n"
                + "</section>\n"
        }
        html += "<p>"
        if let dataName = settings.dataName { html += "<code>\(HTMLText.escape(dataName))</code>, " }
        html += "\(Format.count(testSet.count)) test images: accuracy "
        html +=
            "<strong id=\"accuracy\" data-value=\"\(evaluation.accuracy)\">\(Format.percent(evaluation.accuracy))</strong>"
        html += " (<span id=\"correct\">\(Format.count(evaluation.correct))</span> of "
        html += "<span id=\"count\">\(Format.count(evaluation.count))</span>), mean loss "
        html +=
            "<span id=\"loss\" data-value=\"\(evaluation.loss)\">\(Format.fixed(evaluation.loss, decimals: 4))</span>.</p>\n"

        html += "<h3>Confusion matrix</h3>\n"
        html += "<p>Rows are the true digits, columns the predictions. Right answers are "
        html +=
            "<span class=\"scale\" style=\"background:\(ConfusionHeatMap.css(DivergingColor.negative))\"></span> blue, "
        html += "deeper for a larger share of the row; mistakes are "
        html +=
            "<span class=\"scale\" style=\"background:\(ConfusionHeatMap.css(DivergingColor.positive))\"></span> red, "
        html += "deeper for the more common ones.</p>\n"
        html += ConfusionHeatMap(confusion: evaluation.confusion).svg() + "\n"

        html += "<h3>Precision and recall</h3>\n"
        html += "<p>Precision: of the images predicted as a digit, how many were it. "
        html += "Recall: of the images of a digit, how many were found.</p>\n"
        html +=
            "<table id=\"per-digit\">\n<thead><tr><th>digit</th><th>precision</th><th>recall</th><th>images</th></tr></thead>\n<tbody>\n"
        for digit in 0 ..< evaluation.classCount {
            func cell(_ kind: String, _ value: Double?) -> String {
                guard let value else { return "<td class=\"\(kind)\">–</td>" }
                return "<td class=\"\(kind)\" data-value=\"\(value)\">\(Format.percent(value))</td>"
            }
            html += "<tr><th>\(digit)</th>" + cell("precision", evaluation.precision(of: digit))
            html += cell("recall", evaluation.recall(of: digit))
            html += "<td>\(Format.count(evaluation.confusion[digit].reduce(0, +)))</td></tr>\n"
        }
        html += "</tbody>\n</table>\n"

        html += "<h3>The most confidently wrong</h3>\n"
        let wrongCount = evaluation.count - evaluation.correct
        if wrongDigits.isEmpty {
            html +=
                wrongCount == 0
                ? "<p>The model gets every test image right.</p>\n"
                : "<p>\(Format.count(wrongCount)) images are wrong; none are shown (the report was asked for none).</p>\n"
        } else {
            html += "<p>The \(wrongDigits.count) of the \(Format.count(wrongCount)) wrong test images the model was "
            html += "surest of, surest first: each with its true digit, the prediction and the probability the model "
            html += "gave it. Some are mislabelled, some are hard to read, and some are the model's fault.</p>\n"
            html += "<div class=\"figures\" id=\"wrong\">\n"
            for (rank, wrong) in wrongDigits.enumerated() {
                let confidence = Format.percent(Double(wrong.confidence), decimals: 1)
                html += "<figure data-index=\"\(wrong.index)\"><img src=\"\(ReportPage.wrongDigitName(rank: rank))\" "
                html +=
                    "width=\"28\" height=\"28\" alt=\"test image \(wrong.index): a \(wrong.truth) read as \(wrong.predicted)\"/>"
                html += "<figcaption>true <strong>\(wrong.truth)</strong>, said <strong>\(wrong.predicted)</strong>"
                html += "<br/>\(confidence) · #\(wrong.index)</figcaption></figure>\n"
            }
            html += "</div>\n"
        }
        return html + "</section>\n"
    }

    // MARK: - Weights

    /// The first layer's weights as tiles.
    func weightsSection() -> String {
        let units = modelFile.model.layers[0].outputCount
        let isOutput = modelFile.model.layers.count == 1
        var html = "<section id=\"weights\">\n<h2>First-layer weights</h2>\n"
        html += "<p>One tile per \(isOutput ? "output (this network has no hidden layer)" : "hidden unit") — "
        html += "\(units) in all, in order from the top left — showing the weight of each of the 784 pixels "
        html += "into it: <span class=\"scale\" style=\"background:\(ConfusionHeatMap.css(DivergingColor.positive))\">"
        html += "</span> red where ink raises the unit, <span class=\"scale\" "
        html +=
            "style=\"background:\(ConfusionHeatMap.css(DivergingColor.negative))\"></span> blue where it lowers it, "
        html += "pale near zero. Each tile is scaled to its own largest weight.</p>\n"
        html +=
            "<img class=\"weights\" src=\"\(ReportPage.weightsName)\" width=\"\(tiles.width * 2)\" "
        html += "height=\"\(tiles.height * 2)\" "
        html += "alt=\"first-layer weights of \(units) units as 28×28 tiles\"/>\n"
        return html + "</section>\n"
    }
}
