#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file operation that failed, with the path and the `errno` it failed with.
///
/// Modelled on swift-system's `Errno`: the code as a value, checked where the call is made.
public struct FileAccessError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file.
    public let path: String
    /// What was being done: `"open"`, `"create"`, `"read"`, `"write"`, `"replace"`, ….
    public let operation: String
    /// The `errno` value.
    public let code: Int32
    /// More about the failure than `errno` says, e.g. `"not a regular file"`.
    public let detail: String?

    public init(path: String, operation: String, code: Int32, detail: String? = nil) {
        self.path = path
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// Whether the failure is that the file already exists (`EEXIST`).
    public var alreadyExists: Bool { code == EEXIST }
    /// Whether the failure is that the file does not exist (`ENOENT`).
    public var notFound: Bool { code == ENOENT }

    public var description: String {
        let message = detail ?? String(cString: strerror(code))
        if alreadyExists { return "\(path) already exists (refusing to overwrite it)" }
        return "cannot \(operation) \(path): \(message)"
    }
}
