import Testing

@testable import DigitsReport

/// The SVG line chart: where points land, what is drawn for odd data, and that text is escaped.
@Suite struct LineChartTests {
    /// The `(cx, cy)` of every dot in `svg`, in order.
    static func dots(_ svg: String) -> [(Double, Double)] {
        svg.components(separatedBy: "<circle cx=\"").dropFirst().map { rest in
            let cx = Double(rest.prefix { $0 != "\"" })!
            let after = rest.components(separatedBy: "cy=\"")[1]
            return (cx, Double(after.prefix { $0 != "\"" })!)
        }
    }

    @Test func pointsAtTheAxisEndsLandOnThePlotAreasCorners() {
        let chart = LineChart(
            title: "t", xLabel: "epoch", yLabel: "y",
            series: [.init(name: "a", points: [(1, 0), (2, 5), (3, 10)], color: "#000")], integerX: true)
        let (x, y) = chart.axes()
        #expect(x.lower == 1 && x.upper == 3)
        #expect(y.lower == 0 && y.upper == 10)
        let m = LineChart.margins
        let dots = Self.dots(chart.svg())
        #expect(dots.count == 3)
        #expect(dots[0] == (m.left, chart.height - m.bottom))
        #expect(dots[1] == ((m.left + chart.width - m.right) / 2, (m.top + chart.height - m.bottom) / 2))
        #expect(dots[2] == (chart.width - m.right, m.top))
    }

    @Test func aLogarithmicAxisPutsEachDecadeTheSameDistanceApart() {
        let chart = LineChart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [.init(name: "a", points: [(1, 0.01), (2, 0.1), (3, 1)], color: "#000")], yScale: .logarithmic)
        let dots = Self.dots(chart.svg())
        #expect(dots.count == 3)
        #expect(abs((dots[0].1 - dots[1].1) - (dots[1].1 - dots[2].1)) < 0.02)
    }

    @Test func pointsThatCannotBeDrawnAreLeftOut() {
        let chart = LineChart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [.init(name: "a", points: [(1, 0), (2, .nan), (3, 0.5), (.infinity, 1)], color: "#000")],
            yScale: .logarithmic)
        // The zero has no place on a log axis; the NaN and the infinite x none anywhere.
        #expect(Self.dots(chart.svg()).count == 1)
        #expect(chart.axes().y.kind == .logarithmic)

        let nothingPositive = LineChart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [.init(name: "a", points: [(1, 0), (2, -1)], color: "#000")], yScale: .logarithmic)
        #expect(nothingPositive.axes().y.kind == .linear)
        #expect(Self.dots(nothingPositive.svg()).count == 2)

        let empty = LineChart(
            title: "t", xLabel: "x", yLabel: "y", series: [.init(name: "a", points: [], color: "#000")])
        #expect(empty.svg().contains(">no data</text>"))
    }

    @Test func everySeriesIsInTheLegendAndDashedOnesStayDashed() {
        let chart = LineChart(
            title: "t", xLabel: "x", yLabel: "y",
            series: [
                .init(name: "train", points: [(1, 1), (2, 2)], color: "#0072b2", dashed: true),
                .init(name: "test", points: [(1, 2), (2, 1)], color: "#d55e00"),
            ])
        let svg = chart.svg()
        let legend = svg.components(separatedBy: "<g class=\"legend\">")[1]
        #expect(legend.contains(">train</text>") && legend.contains(">test</text>"))
        #expect(svg.components(separatedBy: "stroke-dasharray").count - 1 == 2)  // the line and its swatch
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>"))
    }

    @Test func percentLabelsFollowTheScaledStep() {
        let chart = LineChart(
            title: "t", xLabel: "x", yLabel: "%",
            series: [.init(name: "a", points: [(1, 0.7505), (2, 0.9978)], color: "#000")], yLabelFactor: 100)
        let svg = chart.svg()
        for label in ["75", "80", "85", "90", "95", "100"] {
            #expect(svg.contains("dominant-baseline=\"middle\">\(label)</text>"))
        }
    }

    @Test func textIsEscapedEverywhereItAppears() {
        let hostile = #"<script>alert("x") & 'y'</script>"#
        let chart = LineChart(
            title: hostile, xLabel: hostile, yLabel: hostile,
            series: [.init(name: hostile, points: [(1, 1)], color: "\"/><script>")])
        let svg = chart.svg()
        #expect(!svg.contains("<script"))
        #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"))
    }

    @Test func escapingCoversTheFiveMarkupCharactersAndNothingElse() {
        #expect(HTMLText.escape(#"a<b>&"c"'d'"#) == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        #expect(HTMLText.escape("7 × 28 — ünïcode") == "7 × 28 — ünïcode")
    }

    @Test func coordinatesHaveAtMostTwoDecimals() {
        #expect(HTMLText.coordinate(66) == "66")
        #expect(HTMLText.coordinate(12.5) == "12.5")
        #expect(HTMLText.coordinate(1.0 / 3) == "0.33")
        #expect(HTMLText.coordinate(-0.05) == "-0.05")
        #expect(HTMLText.coordinate(.nan) == "0")
    }
}
