import DigitsTensor

/// One tensor of a safetensors file: its element type, its shape and its raw bytes.
///
/// The bytes are kept exactly as stored (little-endian, row-major, no padding), so a file that
/// is read and written again is reproduced bit for bit, NaN payloads included. The model's
/// tensors, float32 or (to halve a shipped file) float16, are built from `[Float]` with
/// `init(shape:floats:)` and `init(shape:roundingToHalves:)`, and read back with `floats`.
public struct SafeTensor: Equatable, Sendable {
    /// The element types of the safetensors format that take a whole number of bytes.
    ///
    /// The raw values are the names used in the file header.
    public enum DType: String, CaseIterable, Equatable, Sendable {
        /// Boolean, one byte per element.
        case bool = "BOOL"
        /// Unsigned 8-bit integer.
        case u8 = "U8"
        /// Signed 8-bit integer.
        case i8 = "I8"
        /// 8-bit float with 5 exponent and 2 mantissa bits.
        case f8E5M2 = "F8_E5M2"
        /// 8-bit float with 4 exponent and 3 mantissa bits.
        case f8E4M3 = "F8_E4M3"
        /// 8-bit exponent-only float (a scale factor).
        case f8E8M0 = "F8_E8M0"
        /// Signed 16-bit integer.
        case i16 = "I16"
        /// Unsigned 16-bit integer.
        case u16 = "U16"
        /// IEEE half-precision float: what `digits` writes when asked for a smaller model file.
        case f16 = "F16"
        /// bfloat16 (the top half of a float32).
        case bf16 = "BF16"
        /// Signed 32-bit integer.
        case i32 = "I32"
        /// Unsigned 32-bit integer.
        case u32 = "U32"
        /// IEEE single-precision float: the type of every tensor `digits` writes by default.
        case f32 = "F32"
        /// IEEE double-precision float.
        case f64 = "F64"
        /// Signed 64-bit integer.
        case i64 = "I64"
        /// Unsigned 64-bit integer.
        case u64 = "U64"

        /// Bytes per element.
        public var byteCount: Int {
            switch self {
            case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0: 1
            case .i16, .u16, .f16, .bf16: 2
            case .i32, .u32, .f32: 4
            case .f64, .i64, .u64: 8
            }
        }

        /// Element types of the format that pack several elements into a byte; this reader
        /// recognises their names but cannot address their elements.
        static let subByteNames: Set<String> = ["F4", "F6_E2M3", "F6_E3M2"]
    }

    /// The element type.
    public let dtype: DType
    /// The size of each dimension, outermost first; `[]` is a scalar (one element).
    public let shape: [Int]
    /// The elements, `elementCount × dtype.byteCount` bytes, little-endian, row-major.
    public let bytes: [UInt8]

    /// A tensor over raw little-endian bytes.
    ///
    /// Throws `SafeTensorsError.invalidShape` if a dimension is negative or the element count
    /// overflows, and `.byteCountMismatch` unless `bytes.count` is the shape's element count
    /// times the dtype's size.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws(SafeTensorsError) {
        guard let count = SafeTensor.elementCount(of: shape) else { throw .invalidShape(shape: shape) }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow else { throw .invalidShape(shape: shape) }
        guard bytes.count == byteCount else {
            throw .byteCountMismatch(shape: shape, dtype: dtype.rawValue, expected: byteCount, actual: bytes.count)
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 tensor of the given shape over `floats`, given in row-major order.
    ///
    /// Throws `SafeTensorsError.invalidShape` or `.byteCountMismatch` unless `floats.count` is
    /// the product of `shape`.
    public init(shape: [Int], floats: [Float]) throws(SafeTensorsError) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 4)
        for value in floats {
            let bits = value.bitPattern
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 16))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 24))
        }
        try self.init(dtype: .f32, shape: shape, bytes: bytes)
    }

    /// A float16 tensor of the given shape holding `floats` (row-major) rounded to the nearest
    /// half-precision value, ties to even: half the bytes of float32, with 11 significant bits
    /// instead of 24 (a relative error of at most 2⁻¹¹).
    ///
    /// Throws `SafeTensorsError.invalidShape` or `.byteCountMismatch` unless `floats.count` is
    /// the product of `shape`, and `.notRepresentableAsHalf` for a finite value beyond float16's
    /// range (±65504), which would otherwise become infinite.
    public init(shape: [Int], roundingToHalves floats: [Float]) throws(SafeTensorsError) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 2)
        for value in floats {
            let half = Float16(value)
            if value.isFinite && !half.isFinite { throw .notRepresentableAsHalf(value: value) }
            let bits = half.bitPattern
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        try self.init(dtype: .f16, shape: shape, bytes: bytes)
    }

    /// A tensor whose shape and byte count are already known to agree (checked by the reader).
    init(uncheckedDType dtype: DType, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// The number of elements: the product of `shape` (1 for a scalar).
    public var elementCount: Int {
        bytes.count / dtype.byteCount
    }

    /// The elements as `Float`s in row-major order if the dtype is `F32` or `F16` (widened
    /// exactly), otherwise `nil`.
    ///
    /// Decodes the bytes on every call; keep the result rather than calling it in a loop.
    public var floats: [Float]? {
        bytes.withUnsafeBytes { Self.floats(of: dtype, in: $0) }
    }

    /// `bytes` (little-endian, any alignment) read as elements of `dtype`, widened to `Float`s:
    /// nil unless `dtype` is `F32` or `F16`.
    static func floats(of dtype: DType, in bytes: UnsafeRawBufferPointer) -> [Float]? {
        switch dtype {
        case .f32:
            let count = bytes.count / 4
            // Little-endian in the file as in memory on every machine this builds for: a copy.
            return [Float](uninitializedCount: count) { buffer in
                let destination = UnsafeMutableRawBufferPointer(buffer)
                Kernels.populateForWriting(destination)
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0 ..< count * 4]))
            }
        case .f16:
            let count = bytes.count / 2
            return [Float](uninitializedCount: count) { buffer in
                // The file is little-endian, as is every machine this builds for.
                if let source = bytes.baseAddress, let destination = buffer.baseAddress {
                    Kernels.floats(fromHalves: source, into: destination, count: count)
                }
            }
        default:
            return nil
        }
    }

    /// The product of `shape`, or `nil` if a dimension is negative or the product overflows `Int`.
    ///
    /// A shape with a zero dimension has no elements whatever its other dimensions are.
    static func elementCount(of shape: [Int]) -> Int? {
        guard shape.allSatisfy({ $0 >= 0 }) else { return nil }
        if shape.contains(0) { return 0 }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            count = product
        }
        return count
    }
}

extension SafeTensor: CustomStringConvertible {
    /// The dtype and shape, e.g. `F32[784, 128]`.
    public var description: String {
        "\(dtype.rawValue)[\(shape.map(String.init).joined(separator: ", "))]"
    }
}
