/// A file the server holds in memory and serves as it is, such as one page of a report.
public struct ServedFile: Equatable, Sendable {
    /// Its name under the folder it is served from (`index.html`, `loss.svg`); no slashes.
    public var name: String
    /// Its media type (`text/html; charset=utf-8`, `image/png`).
    public var contentType: String
    /// Its bytes.
    public var bytes: [UInt8]

    /// A file from its parts.
    public init(name: String, contentType: String, bytes: [UInt8]) {
        self.name = name
        self.contentType = contentType
        self.bytes = bytes
    }
}
