import Foundation
import HealthCardFoundation

/// The library's version, `MAJOR.MINOR.PATCH`: the C API's version, raised with every change
/// of either header (Docs/c-api.md "Versioning").
let hcardVersion = "1.0.0"

nonisolated(unsafe) private let versionString: UnsafePointer<CChar> = UnsafePointer(strdupVersion())

private func strdupVersion() -> UnsafeMutablePointer<CChar> {
    let bytes = Array(hcardVersion.utf8CString)
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
    pointer.initialize(from: bytes, count: bytes.count)
    return pointer
}

/// `const char *hcard_version(void)`: "1.0.0"; static storage. Thread-safe.
@_cdecl("hcard_version")
public func hcard_version() -> UnsafePointer<CChar> { versionString }

/// `const char *hcard_last_error(void)`: the message of the last failed call on this thread
/// (either header), "" if none failed; valid until the next failure on this thread. Thread-safe.
@_cdecl("hcard_last_error")
public func hcard_last_error() -> UnsafePointer<CChar> { LastError.current }

// MARK: - Conventions of hcard.h

/// `hcard_status` of hcard.h.
enum HCardStatus {
    static let ok: Int32 = 0
    static let invalid: Int32 = -1
    static let buffer: Int32 = -2
    static let io: Int32 = -3
    static let format: Int32 = -4
    static let notFound: Int32 = -5
    static let `internal`: Int32 = -6
}

/// A failure of an hcard.h function with its status.
struct HCardFailure: Error, CustomStringConvertible {
    let status: Int32
    let description: String
}

enum ModernCall {
    /// Runs one hcard.h function: its status, or the status of what it threw, with the message
    /// kept for `hcard_last_error()`.
    static func run(_ function: String, _ body: () throws -> Int32) -> Int32 {
        do {
            return try body()
        } catch {
            let status = self.status(of: error)
            LastError.set("\(function): \(error)")
            return status
        }
    }

    static func status(of error: any Error) -> Int32 {
        switch error {
        case let failure as HCardFailure: return failure.status
        case is FileAccessError: return HCardStatus.io
        case is DecodingError: return HCardStatus.format
        case let error as HealthCardError:
            switch error.code {
            case .unknownIdentifier: return HCardStatus.notFound
            case .unknownSourceDomain, .unknownTargetDomain, .invalidValue: return HCardStatus.invalid
            default: return HCardStatus.format
            }
        default: return HCardStatus.internal
        }
    }

    /// A UTF-8 text argument of `length` bytes (no NUL needed); HCARD_E_INVALID for NULL or bad UTF-8.
    static func text(_ pointer: UnsafePointer<CChar>?, _ length: Int, _ name: String) throws -> String {
        guard let pointer else {
            if length == 0 { return "" }
            throw HCardFailure(status: HCardStatus.invalid, description: "\(name) is NULL")
        }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw HCardFailure(status: HCardStatus.invalid, description: "\(name) is not UTF-8")
        }
        return text
    }

    /// Copies `bytes` to the caller's buffer: `*written` = `bytes.count` always; HCARD_E_BUFFER
    /// when `capacity` is smaller (nothing copied). A NUL follows when there is room for it (not
    /// counted in `*written`).
    static func output(
        _ bytes: [UInt8], _ buffer: UnsafeMutablePointer<CChar>?, _ capacity: Int, _ written: UnsafeMutablePointer<Int>?
    ) throws -> Int32 {
        written?.pointee = bytes.count
        guard let buffer, capacity >= bytes.count else {
            throw HCardFailure(
                status: HCardStatus.buffer, description: "the output needs \(bytes.count) bytes; the buffer has \(capacity)")
        }
        bytes.withUnsafeBytes { UnsafeMutableRawPointer(buffer).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        if capacity > bytes.count { buffer[bytes.count] = 0 }
        return HCardStatus.ok
    }

    /// JSON as the CLI prints it: sorted keys, no escaped slashes.
    static func json(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}

/// An object behind an opaque handle of hcard.h: retained when created, released by `*_close`.
enum Handle {
    static func make(_ object: AnyObject) -> OpaquePointer { OpaquePointer(Unmanaged.passRetained(object).toOpaque()) }

    static func object<T: AnyObject>(_ handle: OpaquePointer?, as type: T.Type, _ name: String) throws -> T {
        guard let handle else { throw HCardFailure(status: HCardStatus.invalid, description: "\(name) is NULL") }
        guard let object = Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue() as? T else {
            throw HCardFailure(status: HCardStatus.invalid, description: "\(name) is not a \(T.self) handle")
        }
        return object
    }

    static func release(_ handle: OpaquePointer?) {
        guard let handle else { return }
        Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(handle)).release()
    }
}
