import HealthCardFoundation
import ResidentCard

extension ReaderState {
    /// What the reader holds, as `hcard readers` shows it: `empty`, `mute` (a card that does not
    /// answer), `SAM` (a recognised SAM) or `card`.
    public var kind: String {
        !cardPresent ? "empty" : mute ? "mute" : holdsRecognisedSAM ? "SAM" : "card"
    }
}

/// One reader as JSON (`hcard readers --json`).
public struct ReaderReport: Encodable, Hashable, Sendable {
    public let name: String
    public let cardPresent: Bool
    /// ``ReaderState/kind``.
    public let kind: String
    /// The card's ATR in hex, when a card is present.
    public let atr: String?
    /// Another program holds the card exclusively.
    public let exclusive: Bool

    public init(_ reader: ReaderState) {
        name = reader.name
        cardPresent = reader.cardPresent
        kind = reader.kind
        atr = reader.answerToReset.map { Hex.encode($0) }
        exclusive = reader.exclusive
    }
}

/// A card's reset response, parsed, with the protocol the reader chose (`hcard atr`): JSON, or
/// ``text`` for people.
public struct AnswerToResetReport: Encodable, Hashable, Sendable {
    public let reader: String
    public let atr: String
    /// `T=0`, `T=1`, … as the ATR offers them.
    public let protocols: [String]
    public let activeProtocol: String
    public let historicalBytes: String
    public let historicalASCII: String
    /// TA1 (Fi/Di) in hex; `nil` when absent (the default 11).
    public let ta1: String?
    public let checkByteValid: Bool
    /// `true`/`false` when the card capabilities say so, `nil` when not announced.
    public let extendedLength: Bool?

    public init(reader: String, atr: AnswerToReset, activeProtocol: String) {
        self.reader = reader
        self.atr = Hex.encode(atr.bytes)
        protocols = atr.protocols.map { "T=\($0)" }
        self.activeProtocol = activeProtocol
        historicalBytes = Hex.encode(atr.historicalBytes)
        historicalASCII = atr.historicalASCII
        ta1 = atr.ta1.map { Hex.encode([$0]) }
        checkByteValid = atr.checkByteValid
        extendedLength = atr.supportsExtendedLength
    }

    /// The report as aligned lines, the ATR with its bytes spaced (`3B 8C …`).
    public var text: String {
        let extended =
            extendedLength.map { $0 ? "yes (card capabilities)" : "no (card capabilities)" }
            ?? "not announced in the historical bytes"
        return """
            reader:           \(reader)
            ATR:              \(Self.spaced(atr))
            protocols:        \(protocols.joined(separator: ", ")) (active: \(activeProtocol))
            historical bytes: \(historicalBytes.isEmpty ? "none" : "\(historicalBytes)  \(historicalASCII)")
            TA1 (Fi/Di):      \(ta1 ?? "absent (default 11)")
            check byte:       \(checkByteValid ? "valid" : "WRONG (TCK does not match)")
            extended length:  \(extended)
            """
    }

    /// `3B8C` → `3B 8C`.
    static func spaced(_ hex: String) -> String {
        var pairs: [Substring] = []
        var rest = hex[...]
        while !rest.isEmpty {
            pairs.append(rest.prefix(2))
            rest = rest.dropFirst(2)
        }
        return pairs.joined(separator: " ")
    }
}
