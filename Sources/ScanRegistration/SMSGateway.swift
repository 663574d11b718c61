import Foundation
import HealthCardFoundation

/// One text message to a handler.
public struct SMSMessage: Hashable, Sendable, Codable {
    /// The recipient's number.
    public let to: String
    public let text: String
    /// The sender's reference (`clue-12`), unique per message.
    public let reference: String

    public init(to: String, text: String, reference: String) {
        self.to = to
        self.text = text
        self.reference = reference
    }
}

/// Where clue notifications go: an SMS gateway (issue 20 §5 "pluggable notifier"). A province
/// plugs in its operator's HTTP gateway; ``OutboxSMSGateway`` writes each message to a file.
public protocol SMSGateway: Sendable {
    /// Sends `message` and returns the gateway's message id.
    ///
    /// - Throws: when the message was not accepted; the clue then stays routed but not notified.
    func send(_ message: SMSMessage) throws -> String
}

/// An SMS gateway that writes each message as one JSON file, `<reference>.json`, in a directory:
/// for tests, drills and sites without a gateway contract (an operator forwards the outbox).
///
/// Each file is written through `AtomicFile` without replacing (`O_EXCL`): a message is complete
/// or absent, and a reference is never sent twice (a second send of the same reference throws).
public struct OutboxSMSGateway: SMSGateway {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ message: SMSMessage) throws -> String {
        let name = message.reference + ".json"
        guard !message.reference.isEmpty, message.reference.utf8.allSatisfy({ $0 != 0x2F && $0 > 0x20 && $0 < 0x7F }) else {
            throw HealthCardError.invalidValue("message reference '\(TerminalText.escaped(message.reference))' is not a file name")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try AtomicFile.write(Array(try encoder.encode(message)) + [0x0A], to: directory + "/" + name, replace: false)
        return name
    }

    /// The messages in the outbox, by reference.
    public func messages() throws -> [SMSMessage] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted().map { name in
            try JSONDecoder().decode(SMSMessage.self, from: Data(AtomicFile.read(directory + "/" + name)))
        }
    }
}
