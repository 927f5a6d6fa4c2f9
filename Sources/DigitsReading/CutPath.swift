/// A cut through one piece of ink from its top row to its bottom row, one column per row, that
/// parts two touching digits. Pixels at or right of the cut's column in a row go to the right.
///
/// A cut may bend (a column per row, moving at most one column between rows), so it can pass
/// between digits that lean into each other, where no straight vertical line separates them.
struct CutPath: Equatable {
    /// Which cut of its piece this is, counting from the left.
    var index: Int
    /// The piece's top row.
    var top: Int
    /// The cut's column in each row of the piece, top row first, in picture columns.
    var columns: [Int]
    /// How many separate strokes the cut crosses (stretches of ink along it).
    var crossings: Int

    /// The first column of row `y` that lies right of the cut.
    func boundary(atRow y: Int) -> Int {
        columns[y - top]
    }
}

/// A piece of ink, or the part of it between two cuts.
struct Slice: Equatable {
    /// The piece (an index into the picture's pieces).
    var piece: Int
    /// The cut on its left, or nil when the slice starts at the piece's left edge.
    var left: CutPath?
    /// The cut on its right, or nil when the slice ends at the piece's right edge.
    var right: CutPath?

    /// The whole of a piece.
    init(piece: Int) {
        self.piece = piece
    }

    /// The part of a piece between two cuts (nil for its edge).
    init(piece: Int, left: CutPath?, right: CutPath?) {
        self.piece = piece
        self.left = left
        self.right = right
    }

    /// The columns of `run` that belong to the slice (possibly empty).
    func columns(of run: InkRun) -> Range<Int> {
        let y = Int(run.y)
        let start = max(Int(run.start), left?.boundary(atRow: y) ?? Int.min)
        let end = min(Int(run.end), right?.boundary(atRow: y) ?? Int.max)
        return start < end ? start ..< end : start ..< start
    }
}
