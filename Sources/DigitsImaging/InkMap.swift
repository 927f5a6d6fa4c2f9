/// A picture's ink, as an 8-bit plane and a table from each of its levels to ink in `0...1`.
package struct InkMap: Sendable {
    /// Columns of the plane.
    package var width: Int
    /// Rows of the plane.
    package var height: Int
    /// The channel the ink is read from (gray or alpha), row after row.
    package var plane: [UInt8]
    /// `table[level]` is the ink of a pixel at `level`; 256 entries.
    package var table: [Float]
    /// Which channel, and which way round.
    package var source: InkSource
    /// False when the picture has no ink; `table` is then all zero.
    package var found: Bool
}

extension InkMap {
    /// A map over `plane` read through `table`, for a picture cut out of a larger one.
    package init(width: Int, height: Int, plane: [UInt8], table: [Float], source: InkSource) {
        precondition(plane.count == width * height && table.count == 256, "an ink map needs a full plane and table")
        self.init(
            width: width, height: height, plane: plane, table: table, source: source, found: table.contains { $0 > 0 })
    }

    /// The ink at column `x`, row `y`, in `0...1`.
    package subscript(x: Int, y: Int) -> Float {
        table[Int(plane[y * width + x])]
    }
}

extension InkMap {
    /// The ink of `region` (0…1) resampled by area averaging to `width` × `height` values, row
    /// after row: each axis scaled on its own, so a row of digits can be brought to a given height
    /// and squeezed across when it would be too wide.
    package func resampled(_ region: PixelBox, width: Int, height: Int) -> [Float] {
        precondition(region.width > 0 && region.height > 0 && width > 0 && height > 0, "an area to resample")
        let image = resampled(
            region, columns: AreaResampling(sourceCount: region.width, scale: Double(width) / Double(region.width)),
            rows: AreaResampling(sourceCount: region.height, scale: Double(height) / Double(region.height)))
        precondition(image.width == width && image.height == height, "a whole number of pixels each way")
        return image.values
    }

    /// The ink of `region` resampled by area averaging: across by `columns`' weights, then down
    /// by `rows'`, into a `columns.outputCount × rows.outputCount` image.
    func resampled(_ region: PixelBox, columns: AreaResampling, rows: AreaResampling) -> InkImage {
        let outputWidth = columns.outputCount
        // Pass 1: every source row of the region, resampled horizontally to `outputWidth` values.
        var narrowed = [Float](repeating: 0, count: region.height * outputWidth)
        plane.withUnsafeBufferPointer { plane in
            table.withUnsafeBufferPointer { table in
                columns.contributions.withUnsafeBufferPointer { contributions in
                    narrowed.withUnsafeMutableBufferPointer { narrowed in
                        for y in 0 ..< region.height {
                            let sourceRow = (region.y + y) * width + region.x
                            let outputRow = y * outputWidth
                            for part in contributions {
                                let ink = table[Int(plane[sourceRow + part.source])]
                                narrowed[outputRow + part.target] += ink * part.weight
                            }
                        }
                    }
                }
            }
        }
        // Pass 2: the narrowed rows, resampled vertically.
        return InkImage.resampledRows(narrowed, width: outputWidth, rows: rows)
    }
}
