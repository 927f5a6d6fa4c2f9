import DigitsImaging

/// Groups pieces of ink into rows of digits, top row first.
///
/// Pieces stacked with almost no gap between them (a digit broken across) are taken together.
/// Then, left to right, each joins the row whose latest full-height piece it overlaps
/// vertically the most (by at least `overlap` of the shorter height), else starts a row. Comparing
/// with the latest piece rather than the whole row lets a row slant or wander. A row of only short
/// pieces close to a taller row (a 5's top stroke drawn high or off to the right, a dot) is part
/// of it.
struct RowFinder {
    /// The pieces to group.
    var pieces: [InkPiece]
    /// The least vertical overlap, as a fraction of the shorter piece's height, that puts two
    /// neighbouring pieces in one row.
    var overlap: Double
    /// Pieces this close (in pixels, on either axis) are dots of one dotted stroke; 0 when the
    /// picture is not written with a dotted pen.
    var dotGap = 0

    /// Indices into `pieces`, one array per row, top row first, each left to right.
    func rows() -> [[Int]] {
        let clusters = stackedClusters()
        let order = clusters.indices.sorted { clusters[$0].box.centreX < clusters[$1].box.centreX }
        var rows: [Row] = []
        for index in order {
            let box = clusters[index].box
            // The best overlap wins; between equal overlaps, the taller reference (a digit rather
            // than a stroke or an underline beside it).
            var chosen: Int?
            var chosenMatch = (fraction: overlap, height: 0)
            for (rowIndex, row) in rows.enumerated() {
                let reference = clusters[row.reference].box
                // Overlap counts against the shorter of the two, unless the reference is a small
                // stroke: then it must cover most of the piece, or a digit would join a bar's row.
                let measure = 2 * reference.height >= box.height ? min(box.height, reference.height) : box.height
                let fraction = Double(box.verticalOverlap(with: reference)) / Double(max(1, measure))
                if fraction > chosenMatch.fraction
                    || (fraction == chosenMatch.fraction && reference.height > chosenMatch.height)
                {
                    chosen = rowIndex
                    chosenMatch = (fraction, reference.height)
                }
            }
            if let chosen {
                rows[chosen].add(index, box: box)
            } else {
                rows.append(Row(first: index, box: box))
            }
        }
        rows = mergingShortRows(rows, clusters: clusters)
        return rows.sorted { $0.box.y + $0.box.height / 2 < $1.box.y + $1.box.height / 2 }
            .map { row in
                row.members.flatMap { clusters[$0].members }.sorted { pieces[$0].box.centreX < pieces[$1].box.centreX }
            }
    }

    /// Pieces one above the other (overlapping, or with a gap of at most a fifth of the taller)
    /// that share most of their columns, and the dots of a dotted pen:
    /// the parts of one digit broken across (a stroke the pen skipped, a 5's top drawn apart).
    /// Rows are found among these clusters, so that a digit's parts cannot start rows of their own.
    func stackedClusters() -> [(members: [Int], box: PixelBox)] {
        var parents = Array(pieces.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parents[index] != index { index = parents[index] }
            return index
        }
        for first in pieces.indices {
            for second in pieces.indices where second > first {
                let a = pieces[first].box
                let b = pieces[second].box
                let gap = max(a.y, b.y) - min(a.y + a.height, b.y + b.height)
                let shared = a.horizontalOverlap(with: b)
                let stacked = 5 * gap <= max(a.height, b.height) && 2 * shared >= min(a.width, b.width)
                if stacked || a.gap(to: b) <= dotGap {
                    parents[root(second)] = root(first)
                }
            }
        }
        var clusters: [Int: (members: [Int], box: PixelBox)] = [:]
        for index in pieces.indices {
            let box = pieces[index].box
            clusters[root(index), default: ([], box)].members.append(index)
            clusters[root(index)]!.box = clusters[root(index)]!.box.union(box)
        }
        return clusters.keys.sorted().map { clusters[$0]! }
    }

    /// Rows in the making.
    struct Row {
        var members: [Int]
        /// The latest member at least half as tall as the row's tallest: what the next piece is compared with.
        var reference: Int
        var tallest: Int
        var box: PixelBox

        init(first: Int, box: PixelBox) {
            members = [first]
            reference = first
            tallest = box.height
            self.box = box
        }

        mutating func add(_ index: Int, box pieceBox: PixelBox) {
            members.append(index)
            tallest = max(tallest, pieceBox.height)
            if 2 * pieceBox.height >= tallest { reference = index }
            box = box.union(pieceBox)
        }
    }

    /// `rows` with each row of short pieces folded into a taller row just above or below it.
    private func mergingShortRows(_ rows: [Row], clusters: [(members: [Int], box: PixelBox)]) -> [Row] {
        var rows = rows
        var changed = true
        while changed {
            changed = false
            for short in rows.indices {
                // Close on both axes: a mark beside a row's last digit (a 5's top drawn apart to
                // its right) is as much part of the row as one above it.
                let candidates = rows.indices.filter { other in
                    other != short && 2 * rows[short].tallest < rows[other].tallest
                        && rows[short].box.gap(to: rows[other].box) * 10 < rows[other].tallest * 3
                }
                guard
                    let target = candidates.min(by: {
                        rows[short].box.gap(to: rows[$0].box) < rows[short].box.gap(to: rows[$1].box)
                    })
                else { continue }
                for member in rows[short].members {
                    rows[target].members.append(member)
                    rows[target].box = rows[target].box.union(clusters[member].box)
                }
                rows.remove(at: short)
                changed = true
                break
            }
        }
        return rows
    }
}
