import Testing
import DigitsKit

/// The library's one thread mechanism: every index runs once per run, on threads that can meet
/// at a barrier, and work is split by index alone.
@Suite struct ThreadPoolTests {
    @Test func splitCoversTheRangeEvenly() {
        let ranges = ThreadPool(threadCount: 3).split(10)
        #expect(ranges == [0 ..< 3, 3 ..< 6, 6 ..< 10])
        #expect(ThreadPool(threadCount: 4).split(2).map(\.count).reduce(0, +) == 2)
        #expect(ThreadPool.share(of: 10, part: 2, parts: 3) == 6 ..< 10)
    }

    @Test func runCallsEveryIndexOnce() {
        let pool = ThreadPool(threadCount: 4)
        var hits = [Int](repeating: 0, count: 4)
        hits.withUnsafeMutableBufferPointer { buffer in
            pool.run { buffer[$0] += 1 }
        }
        #expect(hits == [1, 1, 1, 1])
    }

    @Test func aBarrierOrdersEveryWriteBeforeEveryRead() {
        let pool = ThreadPool(threadCount: 3)
        var written = [Int](repeating: 0, count: 3)
        var seen = [[Int]](repeating: [], count: 3)
        written.withUnsafeMutableBufferPointer { written in
            seen.withUnsafeMutableBufferPointer { seen in
                for round in 1 ... 20 {
                    pool.run { t in
                        written[t] = round * 10 + t
                        pool.barrier()
                        seen[t] = Array(written)
                        pool.barrier()
                    }
                    #expect(seen.allSatisfy { $0 == [round * 10, round * 10 + 1, round * 10 + 2] })
                }
            }
        }
    }

    @Test func aPoolOfOneRunsOnTheCallingThread() {
        let pool = ThreadPool(threadCount: 1)
        var ran = 0
        pool.run { t in
            #expect(t == 0)
            pool.barrier()
            ran += 1
        }
        #expect(ran == 1)
    }
}
