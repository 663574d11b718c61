import Foundation
import HealthCardFoundation

/// One line for an error in a station report or the state file: the library's own errors as they
/// describe themselves, Foundation's as their plain sentence (never a `NSCocoaErrorDomain` dump).
func errorText(_ error: any Error) -> String {
    switch error {
    case let error as HealthCardError: return String(describing: error)
    case let error as FileAccessError: return String(describing: error)
    default:
        let text = String(describing: error)
        return text.contains("NSCocoaErrorDomain") || text.contains("Error Domain=") || text.contains("Context(")
            ? (error as NSError).localizedDescription : text
    }
}
