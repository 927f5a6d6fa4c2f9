import DigitsImaging

/// A horizontal stretch of ink pixels in one row: columns `start ..< end` of row `y`.
struct InkRun: Equatable {
    var y: Int32
    var start: Int32
    var end: Int32
}

/// One connected piece of ink (8-connected): a digit, part of a broken digit, or several
/// touching digits.
struct InkPiece: Equatable {
    /// Its runs, top row first and left to right within a row.
    var runs: [InkRun]
    /// The smallest box holding it, in picture pixels.
    var box: PixelBox
    /// Number of ink pixels.
    var area: Int

    /// Ink pixels per column of the box (`box.width` counts).
    func columnProfile() -> [Int] {
        var profile = [Int](repeating: 0, count: box.width)
        for run in runs {
            for x in Int(run.start) ..< Int(run.end) {
                profile[x - box.x] += 1
            }
        }
        return profile
    }
}

extension InkPiece {
    /// The connected pieces of ink in `ink`: pixels whose ink exceeds `threshold`, joined when they
    /// touch along a side or a corner. Pieces come in no particular order.
    ///
    /// Works on runs rather than pixels (union–find over the runs of neighbouring rows), so memory
    /// grows with the number of runs, which is bounded by `runLimit`.
    static func pieces(
        of ink: InkMap, threshold: Float, runLimit: Int, name: String
    ) throws(ReadingError) -> [InkPiece] {
        let isInk = ink.table.map { $0 > threshold }
        var runs: [InkRun] = []
        var parents: [Int32] = []
        var previousRow = 0 ..< 0
        for y in 0 ..< ink.height {
            let rowStart = runs.count
            ink.plane.withUnsafeBufferPointer { plane in
                let base = y * ink.width
                var x = 0
                while x < ink.width {
                    guard isInk[Int(plane[base + x])] else {
                        x += 1
                        continue
                    }
                    let start = x
                    while x < ink.width && isInk[Int(plane[base + x])] { x += 1 }
                    runs.append(InkRun(y: Int32(y), start: Int32(start), end: Int32(x)))
                }
            }
            guard runs.count <= runLimit else { throw .tooFragmented(name: name, limit: runLimit) }
            let currentRow = rowStart ..< runs.count
            parents.append(contentsOf: currentRow.map { Int32($0) })
            // Two-pointer sweep: each run joins every run above it that it touches, corners included.
            var above = previousRow.lowerBound
            for index in currentRow {
                let run = runs[index]
                while above < previousRow.upperBound && runs[above].end < run.start { above += 1 }
                var candidate = above
                while candidate < previousRow.upperBound && runs[candidate].start <= run.end {
                    union(index, candidate, &parents)
                    candidate += 1
                }
            }
            previousRow = currentRow
        }

        var pieceOfRoot: [Int32: Int] = [:]
        var pieces: [InkPiece] = []
        for index in runs.indices {
            let root = find(index, &parents)
            let run = runs[index]
            let length = Int(run.end - run.start)
            if let piece = pieceOfRoot[root] {
                pieces[piece].runs.append(run)
                pieces[piece].area += length
                pieces[piece].box.extend(toColumns: Int(run.start) ..< Int(run.end), row: Int(run.y))
            } else {
                pieceOfRoot[root] = pieces.count
                pieces.append(
                    InkPiece(
                        runs: [run], box: PixelBox(x: Int(run.start), y: Int(run.y), width: length, height: 1),
                        area: length))
            }
        }
        return pieces
    }

    private static func find(_ index: Int, _ parents: inout [Int32]) -> Int32 {
        var current = Int32(index)
        while parents[Int(current)] != current {
            let parent = parents[Int(current)]
            parents[Int(current)] = parents[Int(parent)]  // path halving
            current = parent
        }
        return current
    }

    private static func union(_ first: Int, _ second: Int, _ parents: inout [Int32]) {
        let a = find(first, &parents)
        let b = find(second, &parents)
        if a != b { parents[Int(max(a, b))] = min(a, b) }
    }
}

extension PixelBox {
    /// Grows the box to hold `columns` of `row`.
    mutating func extend(toColumns columns: Range<Int>, row: Int) {
        let left = min(x, columns.lowerBound)
        let right = max(x + width, columns.upperBound)
        let top = min(y, row)
        let bottom = max(y + height, row + 1)
        self = PixelBox(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The smallest box holding both.
    func union(_ other: PixelBox) -> PixelBox {
        let left = min(x, other.x)
        let top = min(y, other.y)
        let right = max(x + width, other.x + other.width)
        let bottom = max(y + height, other.y + other.height)
        return PixelBox(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The horizontal centre.
    var centreX: Double { Double(x) + Double(width) / 2 }

    /// Empty pixels between the boxes along the axis where they are further apart (0 when they
    /// touch or overlap).
    func gap(to other: PixelBox) -> Int {
        let across = max(x, other.x) - min(x + width, other.x + other.width)
        let down = max(y, other.y) - min(y + height, other.y + other.height)
        return max(0, across, down)
    }

    /// Whether the boxes share at least one pixel.
    func intersects(_ other: PixelBox) -> Bool {
        x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
    }

    /// Rows shared with `other`.
    func verticalOverlap(with other: PixelBox) -> Int {
        max(0, min(y + height, other.y + other.height) - max(y, other.y))
    }

    /// Columns shared with `other`.
    func horizontalOverlap(with other: PixelBox) -> Int {
        max(0, min(x + width, other.x + other.width) - max(x, other.x))
    }
}
