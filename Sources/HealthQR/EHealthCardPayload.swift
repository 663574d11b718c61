import HealthCardFoundation

/// The plain-text payload of an electronic resident health card (居民电子健康卡) QR code:
/// `cardId:type` for a static code and `cardId:type:validity` for a dynamic one.
///
/// ```
/// static  : <cardId> ":" "1"
/// dynamic : <cardId> ":" "0" ":" <validity>
/// ```
///
/// - `cardId` is `[0-9A-Za-z]{1,64}`, without a run of four `X` (how published samples mask
///   characters: `…260FXXXX`; a masked sample is not a card id). Platforms disagree on its length (64 upper-case hex on the
///   Tencent platform, 20 in Qinghai, "≤ 64" in Wenzhou), so the grammar takes the union and a
///   ``CardIDProfile`` checks one platform's rule on top (health-code.md §4.3).
/// - `type` is `0` (dynamic) or `1` (static); three independent sources agree (health-code.md §4.1).
/// - `validity` is kept **opaque**. On the Tencent platform it is 32 upper-case hex characters, one
///   cipher block that only the platform can check; Qinghai calls it "有效时间" without giving its
///   format (health-code.md §4.2, §4.5, §6 item 4, all [U]). Decoding it locally would be guessing,
///   so this type only checks that it is 1...256 printable ASCII characters. Because it is the last
///   segment, it may itself contain `:` (a `yyyy-MM-dd HH:mm:ss` time would).
///
/// Parsing and producing are exact inverses: `EHealthCardPayload(parsing: p.text) == p`.
/// Every error is a ``PayloadSyntaxError`` naming the segment and the character offset, e.g.
/// `"segment 2 at offset 65: type must be 0 or 1, got 'x'"`, because a checkpoint needs to say
/// *where* a damaged scan is damaged.
///
/// This is the platform's *unsigned* format: it is verified online by the platform
/// (health-code.md §4.4). For offline verification see ``SignedCode``.
///
/// - SeeAlso: health-code.md §4.1 (grammar), §4.2 (samples), §4.3 (card-id lengths), §4.5 (validity).
public struct EHealthCardPayload: Hashable, Sendable {
    /// The second segment. Raw values are the digits on the wire.
    public enum CodeType: UInt8, Hashable, Sendable, CaseIterable {
        /// `0`: a dynamic code, generated shortly before use and valid for a limited time.
        case dynamic = 0
        /// `1`: a static code, printable and shown repeatedly.
        case `static` = 1
    }

    /// The longest card id any platform uses (health-code.md §4.3).
    public static let maximumCardIDLength = 64
    /// The longest validity segment accepted; Qinghai caps the whole ciphertext at 256 (§4.4).
    public static let maximumValidityLength = 256

    /// The card id, `[0-9A-Za-z]{1,64}`, case preserved.
    public let cardID: String
    /// Static or dynamic.
    public let type: CodeType
    /// The opaque validity segment of a dynamic code; `nil` for a static code.
    public let validity: String?

    /// A payload from its parts, checked by the same rules as parsing.
    ///
    /// - Throws: ``PayloadSyntaxError`` with the offset the problem would have in ``text``: a bad
    ///   card id, a static code with a validity segment, or a dynamic code without one.
    public init(cardID: String, type: CodeType, validity: String? = nil) throws(PayloadSyntaxError) {
        try Self.checkCardID(cardID)
        let typeOffset = cardID.count + 1
        switch (type, validity) {
        case (.static, .some):
            throw PayloadSyntaxError(
                .malformed, at: typeOffset + 1,
                "offset \(typeOffset + 1): a static code (type 1) has no validity segment")
        case (.dynamic, .none):
            throw PayloadSyntaxError(
                .truncated, at: typeOffset + 1,
                "segment 3 at offset \(typeOffset + 1): a dynamic code (type 0) needs a validity segment")
        case (.dynamic, .some(let token)):
            try Self.checkValidity(Array(token)[...], at: typeOffset + 2)
        case (.static, .none):
            break
        }
        self.cardID = cardID
        self.type = type
        self.validity = validity
    }

    /// Parses a scanned payload.
    ///
    /// - Throws: ``PayloadSyntaxError`` naming the segment and the character offset of the first
    ///   problem. Never traps, whatever the input.
    public init(parsing text: some StringProtocol) throws(PayloadSyntaxError) {
        let characters = Array(text)
        var index = 0
        while index < characters.count, characters[index] != ":" { index += 1 }
        try Self.checkCardID(characters[0..<index])
        guard index < characters.count else {
            throw PayloadSyntaxError(
                .truncated, at: index,
                "offset \(index): the card id must be followed by ':' and a type (0 or 1); the text ends here")
        }

        let typeStart = index + 1
        var typeEnd = typeStart
        while typeEnd < characters.count, characters[typeEnd] != ":" { typeEnd += 1 }
        let typeText = String(characters[typeStart..<typeEnd])
        let type: CodeType
        switch typeText {
        case "0": type = .dynamic
        case "1": type = .static
        case "":
            throw PayloadSyntaxError(
                .truncated, at: typeStart, "segment 2 at offset \(typeStart): type is missing; must be 0 or 1")
        default:
            throw PayloadSyntaxError(
                .invalidValue, at: typeStart, "segment 2 at offset \(typeStart): type must be 0 or 1, got '\(typeText)'"
            )
        }

        var validity: String?
        switch type {
        case .static:
            guard typeEnd == characters.count else {
                throw PayloadSyntaxError(
                    .malformed, at: typeEnd,
                    "offset \(typeEnd): a static code (type 1) ends after its type, found a third segment")
            }
        case .dynamic:
            guard typeEnd < characters.count else {
                throw PayloadSyntaxError(
                    .truncated, at: typeEnd,
                    "segment 3 at offset \(typeEnd): a dynamic code (type 0) needs ':' and a validity segment")
            }
            let token = characters[(typeEnd + 1)...]
            try Self.checkValidity(token, at: typeEnd + 1)
            validity = String(token)
        }
        self.cardID = String(characters[0..<index])
        self.type = type
        self.validity = validity
    }

    /// Parses a scanned payload and checks its card id against a platform profile.
    ///
    /// - Throws: ``PayloadSyntaxError`` if the text breaks the grammar, then
    ///   ``CardIDProfile/Mismatch`` if the card id breaks the profile.
    public init(parsing text: some StringProtocol, profile: CardIDProfile) throws {
        try self.init(parsing: text)
        try profile.check(cardID)
    }

    /// The payload text, exactly what a QR code carries.
    public var text: String {
        var text = "\(cardID):\(type.rawValue)"
        if let validity { text += ":\(validity)" }
        return text
    }

    /// Checks `[0-9A-Za-z]{1,64}`; offsets count from the start of the payload, where the id sits.
    ///
    /// Shared by the signed format and the revocation list, so a card id means the same everywhere.
    ///
    /// - Throws: ``PayloadSyntaxError`` saying which character (and where) is wrong.
    public static func checkCardID(_ cardID: some StringProtocol) throws(PayloadSyntaxError) {
        try checkCardID(Array(cardID)[...])
    }

    static func checkCardID(_ characters: ArraySlice<Character>) throws(PayloadSyntaxError) {
        guard !characters.isEmpty else {
            throw PayloadSyntaxError(.truncated, at: 0, "segment 1 at offset 0: card id is empty")
        }
        var xRun = 0
        for (offset, character) in characters.enumerated() {
            xRun = character == "X" ? xRun + 1 : 0
            if xRun == maskRun {
                let start = offset - maskRun + 1
                throw PayloadSyntaxError(
                    .invalidValue, at: start,
                    "segment 1 at offset \(start): card id is masked ('\(String(repeating: "X", count: maskRun))'): "
                        + "a published sample with hidden characters, not a card id")
            }
            guard offset < maximumCardIDLength else {
                throw PayloadSyntaxError(
                    .invalidValue, at: offset,
                    "segment 1 at offset \(offset): card id is longer than \(maximumCardIDLength) characters")
            }
            guard isCardIDCharacter(character) else {
                throw PayloadSyntaxError(
                    .invalidEncoding, at: offset,
                    "segment 1 at offset \(offset): card id character '\(character)' "
                        + "is not a letter or digit [0-9A-Za-z]"
                )
            }
        }
    }

    /// The run of `X` that marks a masked card id (`…260FXXXX`). No platform's id contains one:
    /// Tencent's are hex, and a random 64-character alphanumeric id has one with a chance of
    /// about 4 in a million.
    static let maskRun = 4

    /// Whether `character` is one of `[0-9A-Za-z]`.
    static func isCardIDCharacter(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        return (0x30...0x39).contains(ascii) || (0x41...0x5A).contains(ascii) || (0x61...0x7A).contains(ascii)
    }

    private static func checkValidity(_ token: ArraySlice<Character>, at start: Int) throws(PayloadSyntaxError) {
        guard !token.isEmpty else {
            throw PayloadSyntaxError(.truncated, at: start, "segment 3 at offset \(start): validity is empty")
        }
        for (position, character) in token.enumerated() {
            let offset = start + position
            guard position < maximumValidityLength else {
                throw PayloadSyntaxError(
                    .invalidValue, at: offset,
                    "segment 3 at offset \(offset): validity is longer than \(maximumValidityLength) characters")
            }
            guard let ascii = character.asciiValue, (0x20...0x7E).contains(ascii) else {
                throw PayloadSyntaxError(
                    .invalidEncoding, at: offset,
                    "segment 3 at offset \(offset): validity character '\(character)' is not printable ASCII")
            }
        }
    }
}

extension EHealthCardPayload: CustomStringConvertible {
    public var description: String { text }
}
