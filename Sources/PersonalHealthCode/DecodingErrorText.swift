/// One line for a `DecodingError`: the coding path and what was wrong, never a Swift debug dump
/// (`"fields[2].type: Cannot initialize FieldType from invalid String value texte"`).
package enum DecodingErrorText {
    package static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            var path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            if path.hasPrefix(".") { path.removeFirst() }
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
