import Testing

import DigitsKit

/// A small seeded generator, so every failing case can be replayed.
private struct KernelTestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Uniform in [-1, 1).
    mutating func float() -> Float {
        Float(next() >> 40) / Float(1 << 23) - 1
    }

    mutating func bool() -> Bool { next() & 1 == 1 }
}

/// One call of `Kernels.product`: shapes of op(A) (m×k) and op(B) (k×n), and how the operands are stored.
private struct ProductCase: CustomStringConvertible, Sendable {
    var transA: Bool
    var transB: Bool
    var m: Int
    var n: Int
    var k: Int
    /// Extra floats stored after every row of A, B and C (lda, ldb, ldc larger than a row).
    var padding = 0
    /// beta = 1 when true, beta = 0 (C filled with NaN beforehand) when false.
    var accumulate = false
    /// Runs the fused product with a bias and ReLU instead of the plain one.
    var biasAndReLU = false

    var description: String {
        "\(transA ? "T" : "N")\(transB ? "T" : "N") m \(m) n \(n) k \(k) padding \(padding)"
            + " beta \(accumulate ? 1 : 0)\(biasAndReLU ? " bias+relu" : "")"
    }

    /// The same case with every transpose combination.
    var allTranspositions: [ProductCase] {
        [(false, false), (true, false), (false, true), (true, true)].map { transA, transB in
            var copy = self
            copy.transA = transA
            copy.transB = transB
            return copy
        }
    }
}

/// The products of one training step of the 784-256-128-10 network on 32 rows per thread.
private let trainingStepCases: [ProductCase] = [
    ProductCase(transA: false, transB: false, m: 32, n: 256, k: 784),
    ProductCase(transA: false, transB: false, m: 32, n: 128, k: 256),
    ProductCase(transA: false, transB: false, m: 32, n: 10, k: 128),
    ProductCase(transA: true, transB: false, m: 784, n: 256, k: 32),
    ProductCase(transA: true, transB: false, m: 256, n: 128, k: 32),
    ProductCase(transA: true, transB: false, m: 128, n: 10, k: 32),
    ProductCase(transA: false, transB: true, m: 32, n: 784, k: 256),
    ProductCase(transA: false, transB: true, m: 32, n: 256, k: 128),
]

/// Odd sizes, partial batches and an empty k, each with all four transpositions.
private let edgeCases: [ProductCase] = [
    ProductCase(transA: false, transB: false, m: 1, n: 1, k: 1),
    ProductCase(transA: false, transB: false, m: 7, n: 13, k: 5),
    ProductCase(transA: false, transB: false, m: 33, n: 17, k: 65),
    ProductCase(transA: false, transB: false, m: 96, n: 130, k: 50, padding: 3),
    ProductCase(transA: false, transB: false, m: 16, n: 40, k: 400, accumulate: true),
    ProductCase(transA: false, transB: false, m: 13, n: 35, k: 900, padding: 1, accumulate: true),
    // Over 96 rows with k over 256: packed panels, several k blocks accumulating into C.
    ProductCase(transA: false, transB: false, m: 100, n: 64, k: 600, accumulate: true),
    ProductCase(transA: false, transB: false, m: 64, n: 100, k: 600, padding: 1),
    // A wide Y past one k block over few rows: computed transposed, reading Y in place.
    ProductCase(transA: false, transB: false, m: 14, n: 150, k: 530, padding: 2, accumulate: true),
    ProductCase(transA: false, transB: false, m: 5, n: 3, k: 0),
    ProductCase(transA: false, transB: false, m: 5, n: 3, k: 0, padding: 2, accumulate: true),
    // A few rows by a row-major Y, streamed: more columns than one pass sums (512), k in
    // several blocks, and a k just past one block, whose steps do not divide by four.
    ProductCase(transA: false, transB: false, m: 1, n: 530, k: 600, padding: 1, accumulate: true),
    ProductCase(transA: false, transB: false, m: 4, n: 515, k: 790, padding: 3),
    ProductCase(transA: false, transB: false, m: 3, n: 37, k: 259, padding: 2),
].flatMap(\.allTranspositions)

/// The kernel levels this CPU can run.
let supportedLevels = KernelLevel.supported

/// One case's operands, filled from a seed, so every failing case can be replayed.
private struct ProductOperands {
    let product: ProductCase
    let lda: Int, ldb: Int, ldc: Int
    let a: [Float], b: [Float]
    /// C before the product: NaN where it must not be read (padding, or all of it with beta 0).
    let initialC: [Float]
    /// One per column of C, for the fused product; empty otherwise.
    let bias: [Float]

    init(_ p: ProductCase, seed: UInt64) {
        var random = KernelTestRandom(state: seed)
        product = p
        let (aRows, aColumns) = p.transA ? (p.k, p.m) : (p.m, p.k)
        let (bRows, bColumns) = p.transB ? (p.n, p.k) : (p.k, p.n)
        lda = aColumns + p.padding
        ldb = bColumns + p.padding
        ldc = p.n + p.padding
        // Padding holds NaN: a kernel that reads past a row, or writes past one, shows up as NaN.
        func stored(rows: Int, columns: Int, stride: Int, fill: () -> Float) -> [Float] {
            var values = [Float](repeating: .nan, count: max(rows * stride, 1))
            for r in 0 ..< rows {
                for c in 0 ..< columns { values[r * stride + c] = fill() }
            }
            return values
        }
        a = stored(rows: aRows, columns: aColumns, stride: lda) { random.float() }
        b = stored(rows: bRows, columns: bColumns, stride: ldb) { random.float() }
        initialC = stored(rows: p.m, columns: p.n, stride: ldc) { p.accumulate ? random.float() : .nan }
        bias = p.biasAndReLU ? (0 ..< max(p.n, 1)).map { _ in random.float() } : []
    }

    /// `a` and `b` as the kernels' operands.
    func operands(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> (
        Kernels.Operand, Kernels.Operand
    ) {
        (
            Kernels.Operand(a.baseAddress!, stride: lda, transposed: product.transA),
            Kernels.Operand(b.baseAddress!, stride: ldb, transposed: product.transB)
        )
    }

    /// C as the fast kernel computes it at the calling thread's level.
    func kernelResult() -> [Float] {
        let p = product
        var got = initialC
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let (opA, opB) = operands(a, b)
                got.withUnsafeMutableBufferPointer { c in
                    if p.biasAndReLU {
                        Kernels.product(
                            rows: p.m, columns: p.n, depth: p.k, opA, opB, into: c.baseAddress!, stride: ldc,
                            accumulate: p.accumulate, addingBias: bias, relu: true)
                    } else {
                        Kernels.product(
                            rows: p.m, columns: p.n, depth: p.k, opA, opB, into: c.baseAddress!, stride: ldc,
                            accumulate: p.accumulate)
                    }
                }
            }
        }
        return got
    }

    /// C = op(`a`)·op(`b`) (plus `c`, when accumulating) by the plain reference loops, with this
    /// product's shapes and strides.
    func referenceResult(_ a: [Float], _ b: [Float], startingFrom c: [Float], accumulate: Bool) -> [Float] {
        let p = product
        var result = c
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let (opA, opB) = operands(a, b)
                result.withUnsafeMutableBufferPointer { c in
                    Kernels.referenceProduct(
                        rows: p.m, columns: p.n, depth: p.k, opA, opB, into: c.baseAddress!, stride: ldc,
                        accumulate: accumulate)
                }
            }
        }
        return result
    }

    /// The elements of C where the kernel differs from the reference by more than float
    /// rounding allows (at most a few, for the failure message).
    func mismatches() -> [String] {
        let p = product
        let got = kernelResult()
        let expected = referenceResult(a, b, startingFrom: initialC, accumulate: p.accumulate)
        // Σ|a||b| per element scales the rounding error a float sum of k products may have.
        let bound = referenceResult(
            a.map(abs), b.map(abs), startingFrom: [Float](repeating: 0, count: initialC.count), accumulate: false)

        var problems: [String] = []
        let epsilon = Float.ulpOfOne
        for i in 0 ..< p.m {
            for j in 0 ..< ldc {
                let index = i * ldc + j
                if j >= p.n {
                    if !got[index].isNaN { problems.append("padding C[\(i)][\(j)] was written") }
                    continue
                }
                var want = expected[index]
                if p.biasAndReLU { want = max(want + bias[j], 0) }
                let old = p.accumulate ? abs(initialC[index]) : 0
                let tolerance = 4 * epsilon * Float(p.k + 2) * (bound[index] + old + (p.biasAndReLU ? abs(bias[j]) : 0))
                if !(abs(got[index] - want) <= tolerance) {
                    problems.append("C[\(i)][\(j)] = \(got[index]), expected \(want) ± \(tolerance)")
                }
                if problems.count >= 5 { return problems }
            }
        }
        return problems
    }
}

/// Runs `body` with the calling thread's kernels at `level`, reading a row-major B in place or
/// always packing it, then gives both choices back to the CPU.
private func withKernels(_ level: String, readInPlace: Bool, _ body: () throws -> Void) throws {
    try #require(KernelLevel.force(level))
    KernelLevel.forceReadingInPlace(readInPlace)
    defer {
        KernelLevel.force(nil)
        KernelLevel.forceReadingInPlace(nil)
    }
    try body()
}

/// Every kernel level against the plain triple loop, reading a row-major B in place and always
/// packing it (the CPU picks one, so each is tested on every CPU). A forced level or reading
/// applies to the forcing thread only, so these can run beside every other test.
@Suite struct SgemmKernelTests {
    @Test(arguments: supportedLevels, [true, false])
    func trainingStepProductsMatchReference(level: String, readInPlace: Bool) throws {
        try withKernels(level, readInPlace: readInPlace) {
            for (index, product) in trainingStepCases.enumerated() {
                let problems = ProductOperands(product, seed: UInt64(index)).mismatches()
                #expect(problems.isEmpty, "\(level) \(product): \(problems)")
            }
        }
    }

    @Test(arguments: supportedLevels, [true, false])
    func edgeShapesMatchReferenceForAllTranspositions(level: String, readInPlace: Bool) throws {
        try withKernels(level, readInPlace: readInPlace) {
            for (index, product) in edgeCases.enumerated() {
                let problems = ProductOperands(product, seed: 100 + UInt64(index)).mismatches()
                #expect(problems.isEmpty, "\(level) \(product): \(problems)")
            }
        }
    }

    @Test(arguments: supportedLevels, [true, false])
    func randomShapesStridesAndBetasMatchReference(level: String, readInPlace: Bool) throws {
        try withKernels(level, readInPlace: readInPlace) {
            var random = KernelTestRandom(state: 2024)
            for trial in 0 ..< 60 {
                let product = ProductCase(
                    transA: random.bool(), transB: random.bool(),
                    m: random.int(1 ... 120), n: random.int(1 ... 70), k: random.int(0 ... 60),
                    padding: random.int(0 ... 3), accumulate: random.bool())
                let problems = ProductOperands(product, seed: 1000 + UInt64(trial)).mismatches()
                #expect(problems.isEmpty, "\(level) \(product): \(problems)")
            }
        }
    }

    @Test(arguments: supportedLevels, [true, false])
    func fusedBiasAndReLUMatchReference(level: String, readInPlace: Bool) throws {
        try withKernels(level, readInPlace: readInPlace) {
            let cases = [
                ProductCase(transA: false, transB: false, m: 32, n: 256, k: 784, biasAndReLU: true),
                ProductCase(
                    transA: false, transB: false, m: 19, n: 45, k: 500, padding: 2, accumulate: true, biasAndReLU: true),
                ProductCase(transA: false, transB: false, m: 9, n: 21, k: 11, padding: 1, biasAndReLU: true),
                ProductCase(transA: false, transB: false, m: 16, n: 200, k: 300, padding: 1, biasAndReLU: true),
                ProductCase(transA: false, transB: false, m: 4, n: 6, k: 0, accumulate: true, biasAndReLU: true),
                ProductCase(
                    transA: false, transB: false, m: 2, n: 520, k: 300, padding: 1, accumulate: true, biasAndReLU: true),
            ].flatMap(\.allTranspositions)
            for (index, product) in cases.enumerated() {
                let problems = ProductOperands(product, seed: 5000 + UInt64(index)).mismatches()
                #expect(problems.isEmpty, "\(level) \(product): \(problems)")
            }
        }
    }

    /// One picture classified alone must get the answer it gets in a batch, to the bit: the few
    /// rows a single picture makes are computed by another path than a batch's (streaming the
    /// weights instead of tiling them), and it must add in the same order.
    @Test(arguments: supportedLevels)
    func aFewRowsGiveTheSameBitsAloneAsInABatch(level: String) throws {
        try #require(KernelLevel.force(level))
        defer { KernelLevel.force(nil) }
        var random = KernelTestRandom(state: 77)
        let rows = 24, depth = 784, columns = 1030
        let a = (0 ..< rows * depth).map { _ in random.float() }
        let b = (0 ..< depth * columns).map { _ in random.float() }
        let bias = (0 ..< columns).map { _ in random.float() }
        func product(rows range: Range<Int>) -> [Float] {
            var c = [Float](repeating: .nan, count: range.count * columns)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        Kernels.product(
                            rows: range.count, columns: columns, depth: depth,
                            Kernels.Operand(
                                a.baseAddress! + range.lowerBound * depth, stride: depth, transposed: false),
                            Kernels.Operand(b.baseAddress!, stride: columns, transposed: false),
                            into: c.baseAddress!, stride: columns, accumulate: false, addingBias: bias, relu: true)
                    }
                }
            }
            return c
        }
        let batch = product(rows: 0 ..< rows)
        for range in [0 ..< 1, 5 ..< 6, 23 ..< 24, 8 ..< 10, 12 ..< 15, 17 ..< 21] {
            let alone = product(rows: range)
            let inBatch = Array(batch[range.lowerBound * columns ..< range.upperBound * columns])
            let differing = alone.indices.filter { alone[$0].bitPattern != inBatch[$0].bitPattern }
            let first = differing.first.map { "the first \(alone[$0]) alone, \(inBatch[$0]) in the batch" } ?? ""
            #expect(differing.isEmpty, "\(level) rows \(range): \(differing.count) elements differ, \(first)")
        }
    }

    /// Which way B is read follows the CPU, so it must not change a single bit of a result, or
    /// a model trained on one machine would not be the one trained on another.
    @Test(arguments: supportedLevels)
    func readingInPlaceAndPackingGiveTheSameBits(level: String) throws {
        try #require(KernelLevel.force(level))
        defer { KernelLevel.force(nil); KernelLevel.forceReadingInPlace(nil) }
        let cases =
            trainingStepCases + edgeCases
            + [ProductCase(transA: false, transB: false, m: 19, n: 45, k: 200, padding: 2, biasAndReLU: true)]
        for (index, product) in cases.enumerated() {
            let operands = ProductOperands(product, seed: 9000 + UInt64(index))
            KernelLevel.forceReadingInPlace(true)
            let inPlace = operands.kernelResult()
            KernelLevel.forceReadingInPlace(false)
            let packed = operands.kernelResult()
            let differing = inPlace.indices.filter { inPlace[$0].bitPattern != packed[$0].bitPattern }.count
            #expect(differing == 0, "\(level) \(product): \(differing) elements differ")
        }
    }

    @Test func forcingTheReadingLastsUntilNilRestoresTheCPUsChoice() {
        let automatic = KernelLevel.readsInPlace
        defer { KernelLevel.forceReadingInPlace(nil) }
        for readInPlace in [!automatic, automatic, !automatic] {
            KernelLevel.forceReadingInPlace(readInPlace)
            #expect(KernelLevel.readsInPlace == readInPlace)
        }
        KernelLevel.forceReadingInPlace(nil)
        #expect(KernelLevel.readsInPlace == automatic)
    }

    @Test func forcingAnUnknownLevelFailsAndNilRestoresTheAutomaticChoice() {
        let automatic = KernelLevel.current
        #expect(automatic == supportedLevels.first)
        #expect(!KernelLevel.force("sse9"))
        #expect(KernelLevel.current == automatic)
        #expect(KernelLevel.force("portable"))
        #expect(KernelLevel.current == "portable")
        #expect(KernelLevel.force(nil))
        #expect(KernelLevel.current == automatic)
    }
}

/// `a·b` through the fast kernel, as a new matrix.
func product(_ a: Matrix, _ b: Matrix) -> Matrix {
    precondition(a.columns == b.rows)
    var c = Matrix(rows: a.rows, columns: b.columns, repeating: .nan)
    a.storage.withUnsafeBufferPointer { a0 in
        b.storage.withUnsafeBufferPointer { b0 in
            c.storage.withUnsafeMutableBufferPointer { c0 in
                Kernels.product(
                    rows: a.rows, columns: b.columns, depth: a.columns,
                    Kernels.Operand(a0.baseAddress!, stride: a.columns),
                    Kernels.Operand(b0.baseAddress!, stride: b.columns),
                    into: c0.baseAddress!, stride: b.columns)
            }
        }
    }
    return c
}

@Suite struct ConcurrentProductTests {
    /// A deterministic matrix with entries in [-1, 1).
    private func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var random = KernelTestRandom(state: seed)
        return Matrix(rows: rows, columns: columns, values: (0 ..< rows * columns).map { _ in random.float() })
    }

    private func expectClose(_ x: Matrix, _ y: Matrix, tolerance: Float = 1e-4) {
        #expect(x.shape == y.shape)
        let worst = zip(x.storage, y.storage).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= tolerance, "largest difference \(worst)")
    }

    /// Each thread packs into its own buffer, so concurrent products must not disturb each other.
    @Test func concurrentProductsOnSeveralThreadsAreIndependent() async {
        let shapes = [(32, 784, 256), (31, 200, 90), (32, 256, 128), (17, 64, 300)]
        let inputs = shapes.enumerated().map { index, shape in
            (
                randomMatrix(rows: shape.0, columns: shape.1, seed: 10 + UInt64(index)),
                randomMatrix(rows: shape.1, columns: shape.2, seed: 20 + UInt64(index))
            )
        }
        let expected = inputs.map { product($0.0, $0.1) }
        let results = await withTaskGroup(of: (Int, Matrix).self) { group in
            for (index, pair) in inputs.enumerated() {
                group.addTask {
                    var c = Matrix(rows: pair.0.rows, columns: pair.1.columns)
                    for _ in 0 ..< 5 { c = product(pair.0, pair.1) }
                    return (index, c)
                }
            }
            var collected = [Matrix?](repeating: nil, count: inputs.count)
            for await (index, c) in group { collected[index] = c }
            return collected
        }
        // Close rather than equal: another suite may switch the kernel level meanwhile.
        for (result, want) in zip(results, expected) {
            if let result { expectClose(result, want) } else { Issue.record("a product did not finish") }
        }
    }
}
