extension UnsafeMutableBufferPointer where Element == Float {
    /// Room for `count` floats, zero-filled, starting on a 64-byte cache-line boundary.
    ///
    /// Buffers that several threads write in parts (a weight matrix split by columns, say) need
    /// this: with the 16-byte alignment `allocate(capacity:)` gives, the line where one
    /// thread's part meets the next is written by both, and moves between their cores on every
    /// write. Release it with `deallocateCacheAligned()`.
    package static func allocateCacheAligned(count: Int) -> Self {
        let bytes = Swift.max(1, count) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let buffer = Self(start: raw.initializeMemory(as: Float.self, repeating: 0, count: count), count: count)
        return buffer
    }

    /// Frees a buffer from `allocateCacheAligned(count:)`.
    package func deallocateCacheAligned() {
        baseAddress.map { UnsafeMutableRawPointer($0).deallocate() }
    }
}
