/// A line chart drawn as SVG: one or more series of (x, y) points, axes with ticks and labels,
/// and a legend.
///
/// The drawing is plain SVG markup meant to sit inline in an HTML page (it also stands alone as
/// an `.svg` file); it scales to its container's width through its `viewBox`. Points that are
/// not finite are left out, and so, on a logarithmic axis, are values that are not positive.
public struct LineChart: Sendable {
    /// One line of the chart.
    public struct Series: Sendable {
        /// The name shown in the legend.
        public var name: String
        /// The points, in the order the line joins them.
        public var points: [(x: Double, y: Double)]
        /// The line's colour, a CSS colour such as `#0072b2`.
        public var color: String
        /// Whether the line is dashed (so that series stay apart in print without colour).
        public var dashed: Bool

        /// A series from its parts.
        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
        }
    }

    /// What the chart shows, for screen readers (the `aria-label`).
    public var title: String
    /// The label under the x axis.
    public var xLabel: String
    /// The label beside the y axis.
    public var yLabel: String
    /// The lines, drawn in order (later ones on top) and listed in the legend in order.
    public var series: [Series]
    /// Linear or logarithmic y axis.
    public var yScale: AxisScale.Kind
    /// Whether x values are whole numbers (epochs), so that x ticks are too.
    public var integerX: Bool
    /// Multiplies y values for their tick labels only, e.g. 100 to label fractions as percents.
    public var yLabelFactor: Double
    /// The drawing's size in SVG units (pixels at 100%).
    public var width: Double
    /// The drawing's height in SVG units.
    public var height: Double

    /// A chart of `series` with the given labels; a linear y axis unless told otherwise.
    public init(
        title: String, xLabel: String, yLabel: String, series: [Series], yScale: AxisScale.Kind = .linear,
        integerX: Bool = false, yLabelFactor: Double = 1, width: Double = 640, height: Double = 300
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yScale = yScale
        self.integerX = integerX
        self.yLabelFactor = yLabelFactor
        self.width = width
        self.height = height
    }

    /// The plot area's margins: room for the legend above, tick labels and axis labels beside.
    static let margins = (left: 66.0, right: 18.0, top: 34.0, bottom: 46.0)

    /// The points of every series that can be drawn on a `kind` y axis.
    func drawablePoints(_ series: Series, on kind: AxisScale.Kind) -> [(x: Double, y: Double)] {
        series.points.filter { $0.x.isFinite && $0.y.isFinite && (kind == .linear || $0.y > 0) }
    }

    /// The axes the drawable points need: x always linear; y as asked, or linear when a
    /// logarithmic axis was asked for but has no positive value to show.
    func axes() -> (x: AxisScale, y: AxisScale) {
        let logPoints = series.flatMap { drawablePoints($0, on: .logarithmic) }
        let kind: AxisScale.Kind = yScale == .logarithmic && !logPoints.isEmpty ? .logarithmic : .linear
        let points = series.flatMap { drawablePoints($0, on: kind) }
        let xs = points.map(\.x), ys = points.map(\.y)
        let x = AxisScale.linear(
            covering: xs.min() ?? 0, xs.max() ?? 1, targetTickCount: 8, integers: integerX)
        let y =
            kind == .logarithmic
            ? AxisScale.logarithmic(covering: ys.min()!, ys.max()!)
            : AxisScale.linear(covering: ys.min() ?? 0, ys.max() ?? 1, targetTickCount: 6)
        return (x, y)
    }

    /// The chart as an `<svg>` element.
    public func svg() -> String {
        let m = Self.margins
        let plotWidth = width - m.left - m.right, plotHeight = height - m.top - m.bottom
        let (xAxis, yAxis) = axes()
        func px(_ x: Double) -> String { HTMLText.coordinate(m.left + xAxis.fraction(of: x) * plotWidth) }
        func py(_ y: Double) -> String { HTMLText.coordinate(m.top + (1 - yAxis.fraction(of: y)) * plotHeight) }
        let c = HTMLText.coordinate
        let bottom = c(m.top + plotHeight), right = c(m.left + plotWidth)

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(c(width)) \(c(height))" \
            role="img" aria-label="\(HTMLText.escape(title))" font-family="sans-serif" font-size="12">
            """
        // Grid lines and tick labels.
        svg += "<g class=\"y-ticks\">"
        for tick in yAxis.ticks {
            let y = py(tick)
            svg += "<line x1=\"\(c(m.left))\" y1=\"\(y)\" x2=\"\(right)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
            svg +=
                "<text x=\"\(c(m.left - 6))\" y=\"\(y)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
                + HTMLText.escape(yTickLabel(tick, on: yAxis)) + "</text>"
        }
        svg += "</g><g class=\"x-ticks\">"
        for tick in xAxis.ticks {
            let x = px(tick)
            svg +=
                "<line x1=\"\(x)\" y1=\"\(bottom)\" x2=\"\(x)\" y2=\"\(c(m.top + plotHeight + 5))\" stroke=\"#444\"/>"
            svg +=
                "<text x=\"\(x)\" y=\"\(c(m.top + plotHeight + 18))\" text-anchor=\"middle\">"
                + HTMLText.escape(xAxis.label(for: tick)) + "</text>"
        }
        svg += "</g>"
        // The axes themselves.
        svg +=
            "<path d=\"M\(c(m.left)) \(c(m.top))V\(bottom)H\(right)\" fill=\"none\" stroke=\"#444\"/>"
        svg +=
            "<text class=\"x-label\" x=\"\(c(m.left + plotWidth / 2))\" y=\"\(c(height - 8))\" "
            + "text-anchor=\"middle\">\(HTMLText.escape(xLabel))</text>"
        svg +=
            "<text class=\"y-label\" transform=\"translate(14 \(c(m.top + plotHeight / 2))) rotate(-90)\" "
            + "text-anchor=\"middle\">\(HTMLText.escape(yLabel))</text>"

        // The lines, each with a dot per point so that a single point shows.
        let drawable = series.map { drawablePoints($0, on: yAxis.kind) }
        for (line, points) in zip(series, drawable) where !points.isEmpty {
            let color = HTMLText.escape(line.color)
            let path = points.enumerated().map {
                "\($0.offset == 0 ? "M" : "L")\(px($0.element.x)) \(py($0.element.y))"
            }
            svg += "<g class=\"series\" data-name=\"\(HTMLText.escape(line.name))\">"
            svg +=
                "<path d=\"\(path.joined())\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\""
                + (line.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>"
            for point in points {
                svg += "<circle cx=\"\(px(point.x))\" cy=\"\(py(point.y))\" r=\"2.5\" fill=\"\(color)\"/>"
            }
            svg += "</g>"
        }
        if drawable.allSatisfy(\.isEmpty) {
            svg +=
                "<text x=\"\(c(m.left + plotWidth / 2))\" y=\"\(c(m.top + plotHeight / 2))\" "
                + "text-anchor=\"middle\" fill=\"#666\">no data</text>"
        }

        // The legend, a row of swatches above the plot.
        svg += "<g class=\"legend\">"
        var x = m.left
        for line in series {
            let color = HTMLText.escape(line.color)
            svg +=
                "<line x1=\"\(c(x))\" y1=\"14\" x2=\"\(c(x + 24))\" y2=\"14\" stroke=\"\(color)\" stroke-width=\"2\""
                + (line.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>"
            svg +=
                "<text x=\"\(c(x + 30))\" y=\"14\" dominant-baseline=\"middle\">\(HTMLText.escape(line.name))</text>"
            // Roughly 7 units per character of 12-unit sans-serif text, plus the swatch and a gap.
            x += 30 + Double(line.name.count) * 7 + 20
        }
        svg += "</g></svg>"
        return svg
    }

    /// A y tick's label, scaled by `yLabelFactor` (the decimals follow the scaled step).
    func yTickLabel(_ tick: Double, on axis: AxisScale) -> String {
        guard yLabelFactor != 1, axis.kind == .linear, let step = axis.step else { return axis.label(for: tick) }
        let scaled = AxisScale(
            kind: .linear, lower: axis.lower * yLabelFactor, upper: axis.upper * yLabelFactor,
            ticks: axis.ticks.map { $0 * yLabelFactor }, step: step * yLabelFactor)
        return scaled.label(for: tick * yLabelFactor)
    }
}
