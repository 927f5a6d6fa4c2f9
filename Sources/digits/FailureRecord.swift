/// The JSON Lines record for a file that could not be classified (or read).
struct FailureRecord: Encodable {
    var file: String
    var error: String
}
