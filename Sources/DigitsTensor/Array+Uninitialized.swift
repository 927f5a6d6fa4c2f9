extension Array {
    /// An array of `count` elements, every one of which `initialize` writes into the array's
    /// uninitialised storage: `Array(unsafeUninitializedCapacity:initializingWith:)` for a count
    /// known in advance, safe to call from any thread when `count` is 0.
    ///
    /// With a capacity of 0 the standard library's initialiser stores the count into the storage
    /// that every empty array shares, a write that races with other threads' empty arrays; so for
    /// 0 this returns `[]` without calling `initialize`.
    package init(
        uninitializedCount count: Int, initializingEvery initialize: (UnsafeMutableBufferPointer<Element>) -> Void
    ) {
        guard count > 0 else {
            self = []
            return
        }
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            initialize(UnsafeMutableBufferPointer(rebasing: buffer[0 ..< count]))
            initialized = count
        }
    }
}
