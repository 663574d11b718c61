import ArgumentParser
import Foundation
import HealthCardCore

// MARK: - Exit statuses and error messages (README "Exit status", Docs/README.md)

/// The exit statuses of `hcard`, one table for every command:
///
/// | status | meaning |
/// |---|---|
/// | 0 | success |
/// | 1 | failure or refusal, with a message naming the file and the line, offset or field |
/// | 2 | `checkpoint scan`: a passage denied; `register new`: the form rejected; `clue overdue`: reports overdue; `empi query`: unknown source domain |
/// | 3 | `read --status-db`: the card is refused by its status; `empi query`: unknown target domain |
/// | 4 | `empi query`: unknown identifier |
/// | 64 | usage: the command line itself is wrong (an unknown option, a bad option value, a missing argument, a named file that does not exist) |
enum HCardExit {
    /// A failure or refusal.
    static let failure: Int32 = 1
    /// The command line is wrong (sysexits EX_USAGE).
    static let usage: Int32 = 64
}

/// A problem with the *contents* of a file named on the command line: exit 1 with the message, no
/// usage banner (which `ValidationError` would print, with exit 64, as if the command line were wrong).
struct FileContentError: Error, CustomStringConvertible {
    let description: String

    /// `FILE: what` with `error` described by ``describe(_:)``.
    init(_ file: String, _ what: String, _ error: any Error) {
        description = "\(file): \(what): \(describe(error))"
    }

    /// `FILE: message`.
    init(_ file: String, _ message: String) {
        description = "\(file): \(message)"
    }
}

/// Whether `error` says a file's *contents* are wrong (a decoding error, or invalid JSON), as
/// opposed to the file or the card being unreachable.
func isContentError(_ error: any Error) -> Bool {
    if error is DecodingError { return true }
    let nsError = error as NSError
    return nsError.domain == NSCocoaErrorDomain && nsError.code == 3840
}

/// `T` decoded from the JSON file at `path`; bad contents are a ``FileContentError`` naming the
/// file, `what` it should be and the field (`model.json: not a match model: weights: expected an object`).
func decodeJSONFile<T: Decodable>(_ type: T.Type, at path: String, what: String) throws -> T {
    let data = try readFile(path)
    do { return try JSONDecoder().decode(type, from: data) } catch where isContentError(error) {
        throw FileContentError(path, what, error)
    }
}

/// One line for any error: what a user reads after `Error:`. A `DecodingError` becomes
/// `path.to.field: expected a string`; Foundation's errors their plain sentence. Never
/// `Debug description`, `NSCocoaErrorDomain` or `Code=3840` dumps.
func describe(_ error: any Error) -> String {
    switch error {
    case let error as DecodingError: return describe(decoding: error)
    case let error as FileContentError: return error.description
    case let error as HealthCardError: return String(describing: error)
    case let error as ValidationError: return error.message
    default: break
    }
    let nsError = error as NSError
    if nsError.domain == NSCocoaErrorDomain {
        if nsError.code == 3840 { return "not valid JSON (\(jsonProblem(nsError)))" }
        if let path = nsError.userInfo[NSFilePathErrorKey] as? String {
            switch nsError.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "\(path): no such file"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "\(path): permission denied"
            default: break
            }
        }
        return nsError.localizedDescription
    }
    let text = String(describing: error)
    return text.contains("NSCocoaErrorDomain") || text.contains("debugDescription") ? nsError.localizedDescription : text
}

/// Where JSONSerialization/JSONDecoder found invalid JSON, in its own words ("Unexpected
/// character 'x' around line 1, column 2.").
private func jsonProblem(_ error: NSError) -> String {
    (error.userInfo[NSDebugDescriptionErrorKey] as? String) ?? "unreadable"
}

/// `path.to.field: expected X` for a decoding error (the file name is the caller's).
func describe(decoding error: DecodingError) -> String {
    func at(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
        let keys = context.codingPath + (key.map { [$0] } ?? [])
        let path = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "" : path + ": "
    }
    switch error {
    case .typeMismatch(let type, let context):
        return at(context) + "expected \(typeName(type))"
    case .valueNotFound(let type, let context):
        return at(context) + "expected \(typeName(type)), found null"
    case .keyNotFound(let key, let context):
        return at(context, key) + "missing"
    case .dataCorrupted(let context):
        if let underlying = context.underlyingError as NSError?, underlying.domain == NSCocoaErrorDomain,
            underlying.code == 3840
        {
            return at(context) + "not valid JSON (\(jsonProblem(underlying)))"
        }
        if context.debugDescription.contains("not valid JSON") {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return at(context) + "not valid JSON" + (detail.map { " (\($0))" } ?? "")
        }
        return at(context) + context.debugDescription
    @unknown default:
        return "not readable"
    }
}

/// How a person names a Swift type in JSON terms.
private func typeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type, is Substring.Type: "a string"
    case is Int.Type, is Int64.Type, is Int32.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type,
        is Int8.Type, is Int16.Type, is UInt.Type:
        "an integer"
    case is Double.Type, is Float.Type: "a number"
    case is Bool.Type: "true or false"
    default:
        String(describing: type).hasPrefix("Array") ? "an array"
            : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a \(type)"
    }
}

extension HCard {
    /// Runs the command and maps every error to one message and one exit status (the table of
    /// ``HCardExit``): ArgumentParser's own errors (parsing, `ValidationError`, `ExitCode`,
    /// `CleanExit`) keep its handling; every other error is `Error: <describe(error)>` on
    /// standard error and status 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error where error is ExitCode || error is CleanExit || error is ValidationError {
            exit(withError: error)
        } catch let error where String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") {
            exit(withError: error)
        } catch {
            printError("Error: " + describe(error))
            Foundation.exit(HCardExit.failure)
        }
    }
}
