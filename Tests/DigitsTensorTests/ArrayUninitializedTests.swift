import Testing

@testable import DigitsTensor

/// `Array(uninitializedCount:initializingEvery:)`, which the file readers build arrays with.
@Suite struct ArrayUninitializedTests {
    @Test("the body is handed exactly count elements to write, and the array holds what it wrote")
    func fillsExactlyCount() {
        for count in [1, 3, 1000] {
            var handed = -1
            let values = [Int](uninitializedCount: count) { buffer in
                handed = buffer.count
                for index in buffer.indices { buffer.initializeElement(at: index, to: index * index) }
            }
            #expect(handed == count)
            #expect(values == (0 ..< count).map { $0 * $0 })
        }
    }

    @Test("for no elements the body is not called and the array is empty")
    func zeroSkipsTheBody() {
        var called = false
        let values = [Float](uninitializedCount: 0) { _ in called = true }
        #expect(values.isEmpty && !called)
    }
}
