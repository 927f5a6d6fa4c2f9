/// Why the server could not start or stopped.
public enum ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The host is not an IPv4 or IPv6 address (nor `localhost`).
    case badHost(String)
    /// The port is outside 0…65535.
    case badPort(Int)
    /// Another program is already listening on the address.
    case addressInUse(host: String, port: Int)
    /// The address is not one of this machine's.
    case addressNotAvailable(host: String)
    /// Listening needs privileges the process lacks (ports below 1024).
    case permissionDenied(host: String, port: Int)
    /// Another failure of the system call named, with the system's text.
    case socket(call: String, reason: String)
    /// The server's threads could not be started, with the system's text.
    case threads(reason: String)

    /// What went wrong, for the user.
    public var description: String {
        switch self {
        case .badHost(let host): "'\(host)' is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::1) or localhost"
        case .badPort(let port): "port \(port) is outside 0…65535"
        case .addressInUse(let host, let port): "\(host) port \(port) is already in use by another program"
        case .addressNotAvailable(let host): "\(host) is not an address of this machine"
        case .permissionDenied(let host, let port): "no permission to listen on \(host) port \(port)"
        case .socket(let call, let reason): "\(call) failed: \(reason)"
        case .threads(let reason): "the server's threads could not be started: \(reason)"
        }
    }
}
