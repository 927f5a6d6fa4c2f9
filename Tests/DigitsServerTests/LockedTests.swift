import DigitsServer
import Glibc
import Testing

/// `Locked`: changes made on many threads at once are none of them lost.
@Suite struct LockedTests {
    static let increments = 20_000

    @Test func changesFromManyThreadsAreAllKept() {
        let counter = Locked(0)
        let threads = 4
        let box = Unmanaged.passRetained(counter)
        var handles: [pthread_t] = []
        for _ in 0 ..< threads {
            var handle = pthread_t()
            let started = pthread_create(
                &handle, nil,
                { raw in
                    let counter = Unmanaged<Locked<Int>>.fromOpaque(raw!).takeUnretainedValue()
                    for _ in 0 ..< LockedTests.increments { counter.withLock { $0 += 1 } }
                    return nil
                }, box.toOpaque())
            #expect(started == 0)
            handles.append(handle)
        }
        for handle in handles { pthread_join(handle, nil) }
        box.release()
        #expect(counter.withLock { $0 } == threads * Self.increments)
    }

    @Test func returnsWhatTheBodyReturnsAndKeepsWhatItChanged() {
        let names = Locked(["a"])
        let count = names.withLock { names in
            names.append("b")
            return names.count
        }
        #expect(count == 2)
        #expect(names.withLock { $0 } == ["a", "b"])
    }
}
