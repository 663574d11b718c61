import HealthCardFoundation

/// The reason of the ``HealthCardError`` that `body` throws, `"no error"` when it throws none, or
/// the description of any other error: so a test compares a whole message (file, path, key) in
/// one expectation.
public func errorReason(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch let error as HealthCardError {
        return error.reason
    } catch {
        return "\(error)"
    }
}
