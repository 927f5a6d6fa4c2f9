import Testing
import DigitsImaging

@testable import DigitsReading

/// The connected pieces of ink the reader starts from.
@Suite struct InkPieceTests {
    /// An ink map drawn from text: `#` is full ink, `+` faint edge ink, anything else background.
    static func inkMap(_ rows: [String]) -> InkMap {
        let width = rows.map(\.count).max() ?? 0
        var plane: [UInt8] = []
        for row in rows {
            let padded = row + String(repeating: ".", count: width - row.count)
            plane += padded.map { $0 == "#" ? 255 : $0 == "+" ? 20 : 0 }
        }
        var table = [Float](repeating: 0, count: 256)
        for level in 1 ..< 256 { table[level] = Float(level) / 255 }
        return InkMap(width: width, height: rows.count, plane: plane, table: table, source: .lightOnDark)
    }

    static func pieces(_ rows: [String], runLimit: Int = 1000) throws -> [InkPiece] {
        try InkPiece.pieces(of: inkMap(rows), threshold: 0.2, runLimit: runLimit, name: "test")
            .sorted { ($0.box.x, $0.box.y) < ($1.box.x, $1.box.y) }
    }

    @Test("two blobs apart are two pieces, with their boxes and areas")
    func separateBlobs() throws {
        let found = try Self.pieces([
            "##....#",
            "##...##",
            ".......",
        ])
        #expect(
            found.map(\.box) == [PixelBox(x: 0, y: 0, width: 2, height: 2), PixelBox(x: 5, y: 0, width: 2, height: 2)])
        #expect(found.map(\.area) == [4, 3])
    }

    @Test("pixels touching only at a corner are one piece (8-connectivity)")
    func diagonalJoins() throws {
        let found = try Self.pieces([
            "#...",
            ".#..",
            "..#.",
            "...#",
        ])
        #expect(found.count == 1)
        #expect(found[0].box == PixelBox(x: 0, y: 0, width: 4, height: 4))
    }

    @Test("a U shape joins its two arms through the bottom, whichever row they meet in")
    func armsJoinBelow() throws {
        let found = try Self.pieces([
            "#...#",
            "#...#",
            "#####",
        ])
        #expect(found.count == 1)
        #expect(found[0].area == 9)
    }

    @Test("faint edge ink below the threshold neither makes nor joins pieces")
    func faintInkIgnored() throws {
        let found = try Self.pieces([
            "##++##",
            "##++##",
        ])
        #expect(found.count == 2)
    }

    @Test("a picture with more runs than the limit is refused, not read")
    func runLimit() {
        #expect(throws: ReadingError.tooFragmented(name: "test", limit: 3)) {
            try Self.pieces(["#.#.#.#"], runLimit: 3)
        }
    }

    @Test("a column profile counts ink pixels per column")
    func columnProfile() throws {
        let found = try Self.pieces([
            "###",
            "#.#",
            "#..",
        ])
        #expect(found[0].columnProfile() == [3, 1, 2])
    }
}
