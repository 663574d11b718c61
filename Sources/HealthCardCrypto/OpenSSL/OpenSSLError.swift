internal import COpenSSL
import HealthCardFoundation

/// A failure inside OpenSSL, with the thread's OpenSSL error queue drained when it happened.
///
/// Thrown only when the library itself fails (out of memory, a missing algorithm, an internal
/// error), never for bad input: malformed keys, PEM or signatures are reported as
/// `HealthCardError` (with OpenSSL's explanation in the reason), and an invalid signature is
/// simply `false`.
///
/// Drains `ERR_get_error()` into the error (after swift-crypto's
///   `CryptoKitErrors_boring.swift`).
public struct OpenSSLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The OpenSSL function that reported the failure, e.g. `"EVP_DigestSign"`.
    public let function: String
    /// The error queue, oldest first, each entry as `ERR_error_string_n` renders it
    /// (`error:<code>:<library>:<function>:<reason>`). Empty if OpenSSL queued nothing.
    public let queue: [String]

    public init(function: String, queue: [String]) {
        self.function = function
        self.queue = queue
    }

    public var description: String {
        queue.isEmpty ? "\(function) failed" : "\(function) failed: \(queue.joined(separator: "; "))"
    }
}

extension OpenSSLError {
    /// The error for `function`, emptying this thread's OpenSSL error queue into it.
    static func drain(_ function: String) -> Self {
        Self(function: function, queue: openssl_drainErrorQueue())
    }
}

extension HealthCardError {
    /// A bad-input error whose reason ends with what OpenSSL said about the input.
    static func malformed(_ reason: String, openSSL function: String, file: String = #fileID, line: UInt = #line)
        -> Self
    {
        let detail = OpenSSLError.drain(function)
        return .malformed("\(reason) (\(detail))", file: file, line: line)
    }
}

/// Empties this thread's OpenSSL error queue, oldest entry first.
func openssl_drainErrorQueue() -> [String] {
    var entries: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        entries.append(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return entries
}

/// Throws the drained queue unless an OpenSSL call returned success (`1`, or positive).
func openssl_check(_ result: Int32, _ function: String) throws(OpenSSLError) {
    guard result > 0 else { throw .drain(function) }
}

/// Throws the drained queue if an OpenSSL allocator or constructor returned NULL.
func openssl_nonNull<T>(_ pointer: T?, _ function: String) throws(OpenSSLError) -> T {
    guard let pointer else { throw .drain(function) }
    return pointer
}
