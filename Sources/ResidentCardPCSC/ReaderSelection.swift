import HealthCardFoundation
import ResidentCard

/// One PC/SC reader as `SCardGetStatusChange` reports it: a snapshot, free of any C type, so the
/// choice of reader is pure logic (``ReaderSelection``) that tests can drive with made-up readers.
public struct ReaderState: Hashable, Sendable, Codable {
    /// The reader's PC/SC name, e.g. `"Virtual PCD 00 00"`.
    public var name: String
    /// A card sits in the reader (`SCARD_STATE_PRESENT`).
    public var cardPresent: Bool
    /// The card's reset response, when a card is present.
    public var answerToReset: [UInt8]?
    /// Another program holds the card exclusively (`SCARD_STATE_EXCLUSIVE`).
    public var exclusive: Bool
    /// The card does not answer the reset (`SCARD_STATE_MUTE`).
    public var mute: Bool

    public init(name: String, cardPresent: Bool, answerToReset: [UInt8]? = nil, exclusive: Bool = false,
        mute: Bool = false)
    {
        self.name = name
        self.cardPresent = cardPresent
        self.answerToReset = answerToReset
        self.exclusive = exclusive
        self.mute = mute
    }

    /// The card is a SAM this library recognises by its ATR (``ReaderSelection/isRecognisedSAM(_:)``).
    public var holdsRecognisedSAM: Bool {
        cardPresent && answerToReset.map(ReaderSelection.isRecognisedSAM) == true
    }

    /// `'Virtual PCD 00 00' (empty)`, `… (card)`, `… (SAM)`: how error messages list readers.
    public var summary: String {
        let what = !cardPresent ? "empty" : mute ? "mute card" : holdsRecognisedSAM ? "SAM" : "card"
        return "'\(name)' (\(what))"
    }
}

/// Which reader holds the card and which the SAM, when the user named none, one or both.
///
/// The rules (issue 4: "without `--reader`, use the only reader that holds a card, or say which
/// readers there are"):
/// - **SAM**: the reader named by `--sam-reader` (it must hold a card); otherwise the one reader
///   other than the card's whose card is a recognised SAM (the virtual SAM of `hcard emulate`),
///   or none, which makes the session SAM-less (issuer data only).
/// - **Card**: the reader named by `--reader` (it must hold a card); otherwise the only reader with
///   a card that is not the SAM's and does not hold a recognised SAM. None → "no card in any
///   reader" with every reader listed; several → "choose one with --reader".
/// - A name matches exactly, or else as a unique case-insensitive part of one reader's name
///   (`--reader "00 01"`), because PC/SC names are long and vary between reader firmware versions.
///
/// Pure: no PC/SC call, so it is unit-tested with made-up readers; `PCSCContext` supplies the
/// snapshot.
public enum ReaderSelection {
    /// The readers to use: the card's, and the SAM's if there is one.
    public struct Choice: Hashable, Sendable {
        public var card: String
        public var sam: String?

        public init(card: String, sam: String? = nil) {
            self.card = card
            self.sam = sam
        }
    }

    /// Chooses the card reader and the SAM reader.
    ///
    /// - Parameters:
    ///   - card: the `--reader` name, or `nil` for "the only reader with a card".
    ///   - sam: the `--sam-reader` name, or `nil` for "a recognised SAM, if one is present".
    ///   - useSAM: `false` to ignore SAMs altogether (`hcard atr`, `hcard apdu`).
    ///   - readers: the current state of every reader.
    public static func choose(
        card: String?, sam: String?, useSAM: Bool = true, among readers: [ReaderState]
    ) throws(ReaderError) -> Choice {
        guard !readers.isEmpty else { throw .noReaders() }
        let explicitCard = try card.map { name throws(ReaderError) in try resolve(name, among: readers) }
        var samReader: ReaderState?
        if useSAM, let sam {
            let reader = try resolve(sam, among: readers)
            guard reader.cardPresent else { throw .noCard(reader: reader.name, purpose: "SAM") }
            samReader = reader
        } else if useSAM {
            let candidates = readers.filter { $0.holdsRecognisedSAM && $0.name != explicitCard?.name }
            samReader = candidates.count == 1 ? candidates[0] : nil
        }
        if let explicitCard {
            guard explicitCard.cardPresent else { throw .noCard(reader: explicitCard.name) }
            guard explicitCard.name != samReader?.name else {
                throw ReaderError(
                    code: .ambiguousReader, reader: explicitCard.name,
                    message: "--reader and --sam-reader both name '\(explicitCard.name)': the card and the SAM need"
                        + " a reader each")
            }
            return Choice(card: explicitCard.name, sam: samReader?.name)
        }
        let candidates = readers.filter { $0.cardPresent && !$0.holdsRecognisedSAM && $0.name != samReader?.name }
        switch candidates.count {
        case 0: throw .noCardInAnyReader(readers.map(\.summary))
        case 1: return Choice(card: candidates[0].name, sam: samReader?.name)
        default: throw .ambiguous(candidates.map(\.name))
        }
    }

    /// The reader called `name`: an exact match, or the one reader whose name contains `name`
    /// (ignoring case).
    public static func resolve(_ name: String, among readers: [ReaderState]) throws(ReaderError) -> ReaderState {
        guard !readers.isEmpty else { throw .noReaders() }
        if let exact = readers.first(where: { $0.name == name }) { return exact }
        let partial = readers.filter { $0.name.lowercased().contains(name.lowercased()) }
        if partial.count == 1 { return partial[0] }
        if partial.count > 1 {
            throw ReaderError(
                code: .ambiguousReader, reader: name,
                message: "'\(name)' matches \(partial.count) readers"
                    + " (\(partial.map { "'\($0.name)'" }.joined(separator: ", "))): give the full name")
        }
        throw .unknownReader(name, available: readers.map(\.name))
    }

    /// Whether `atr` is a SAM this library knows: the virtual SAM of `hcard emulate`, whose
    /// historical bytes start with `HCKSAM`. Real PSAMs have vendor ATRs; name their reader with
    /// `--sam-reader`.
    public static func isRecognisedSAM(_ atr: [UInt8]) -> Bool {
        guard let parsed = try? AnswerToReset(atr) else { return false }
        return parsed.historicalBytes.starts(with: Array("HCKSAM".utf8))
    }
}

// MARK: - Card capabilities in the historical bytes

extension AnswerToReset {
    /// Whether the card announces extended Lc/Le fields, from the "card capabilities" object of
    /// its historical bytes: `true`/`false` when announced, `nil` when the historical bytes carry
    /// no card capabilities (proprietary historical bytes, as the health card's `HCK01…`).
    ///
    /// The historical bytes start with a category indicator; `00` and `80` mean COMPACT-TLV
    /// objects follow (`00` with a 3-byte status indicator at the end). Tag `7` (`7L`) is "card
    /// capabilities": its third byte's b7 (`40`) is "extended Lc and Le fields".
    ///
    /// - SeeAlso: ISO/IEC 7816-4:2005 §8.1.1.2.7 (card capabilities), table 87 (third software
    ///   function table); PC/SC readers also need the reader to support extended APDUs.
    public var supportsExtendedLength: Bool? {
        guard let category = historicalBytes.first, category == 0x00 || category == 0x80 else { return nil }
        var objects = historicalBytes.dropFirst()
        if category == 0x00 { objects = objects.dropLast(3) }
        while let header = objects.popFirst() {
            let tag = header >> 4
            let length = Int(header & 0x0F)
            guard objects.count >= length else { return nil }
            let value = Array(objects.prefix(length))
            objects = objects.dropFirst(length)
            if tag == 0x7 { return value.count >= 3 ? value[2] & 0x40 != 0 : false }
        }
        return nil
    }

    /// A T=0-only ATR with these historical bytes (`3B 0K` + bytes, no interface bytes, no TCK),
    /// so a reader negotiates T=0: `hcard emulate --t0` announces the card's historical bytes
    /// (and so its diversification factor) this way (ISO/IEC 7816-3 §8.2: no TD1 means T=0).
    public static func t0Only(historicalBytes: [UInt8]) -> AnswerToReset {
        precondition(historicalBytes.count <= 15)
        return try! AnswerToReset([0x3B, UInt8(historicalBytes.count)] + historicalBytes)
    }

    /// The historical bytes as printable ASCII with `.` for other bytes (`HCK01........`), as
    /// `hcard atr` shows them next to the hex.
    public var historicalASCII: String {
        String(historicalBytes.map { (0x20...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "." })
    }
}
