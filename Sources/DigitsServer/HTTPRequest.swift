/// One HTTP request as the server's routes see it: the head parsed, the body read in full (and
/// never larger than the configured limit).
public struct HTTPRequest: Equatable, Sendable {
    /// The method, as sent (`GET`, `POST`…); methods are case-sensitive.
    public var method: String
    /// The path of the target, without the query (`/classify`), exactly as sent.
    public var path: String
    /// The query's parameters in order, percent-decoded (`explain=1` → `("explain", "1")`).
    public var query: [(name: String, value: String)]
    /// The header fields in order; names are lowercased.
    public var headers: [(name: String, value: String)]
    /// The body's bytes.
    public var body: [UInt8]

    /// A request from its parts; header names are lowercased.
    public init(
        method: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.body = body
    }

    /// The value of the first header field called `name` (any case), or nil.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// The value of the first query parameter called `name`, or nil.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Whether two requests have the same method, target, header fields (in order) and body.
    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.body == rhs.body
            && lhs.query.elementsEqual(rhs.query) { $0 == $1 } && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
    }
}
