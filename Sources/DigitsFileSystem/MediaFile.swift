/// A file held in memory: a plain name (no folders), its media type and its bytes. One file of
/// a report page, say, to be written to a folder or served over HTTP as it is.
public struct MediaFile: Equatable, Sendable {
    /// Its name, e.g. `index.html` or `weights.png`; pages refer to each other's files by it.
    public var name: String
    /// Its media type, e.g. `text/html; charset=utf-8` or `image/png`.
    public var contentType: String
    /// Its contents.
    public var bytes: [UInt8]

    /// A file from its parts.
    public init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
    }
}
