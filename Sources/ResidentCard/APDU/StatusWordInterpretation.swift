import HealthCardFoundation

/// The error of the command layer: a command the card refused, with a message a field engineer
/// can act on ("record 7 not found in EF05", "external authentication failed: 2 tries left").
///
/// Separate from `HealthCardError` because it is not a defect in data the library parsed but
/// the card's answer to a command; callers branch on ``command`` and ``statusWord`` (e.g. retry
/// after `6984` with a fresh challenge), and show ``message`` to people.
///
/// Equality compares all fields, so a test pins the exact message.
public struct CardCommandError: Error, Hashable, Sendable {
    /// The command the card refused.
    public let command: CardCommandKind
    /// What the card answered.
    public let statusWord: StatusWord
    /// What happened and, where known, what to do about it.
    public let message: String
    /// For chunked transfers: the file offset of the chunk that failed (see ``ChunkedTransfer``).
    public let offset: Int?

    public init(command: CardCommandKind, statusWord: StatusWord, message: String, offset: Int? = nil) {
        self.command = command
        self.statusWord = statusWord
        self.message = message
        self.offset = offset
    }
}

extension CardCommandError: CustomStringConvertible {
    public var description: String { message }
}

/// What the caller knows that the APDU does not, so that messages can name things:
/// the current file ("record 7 not found in **EF05**") and the key an access needs
/// ("authenticate with **RK_DF01** first").
public struct CardCommandContext: Hashable, Sendable {
    /// The file the command works on (the selected EF), if the caller knows it.
    public var file: FileIdentifier?
    /// The key the access condition needs or the authentication uses, by its spec name
    /// (`"RK_DDF1"`, `"UK_DF03_1"`, health-card.md §7.2).
    public var key: String?

    public init(file: FileIdentifier? = nil, key: String? = nil) {
        self.file = file
        self.key = key
    }
}

/// A status word the command layer accepts, typed by what the caller has to do next.
public enum CardCommandOutcome: Hashable, Sendable {
    /// `9000`.
    case success
    /// `6282` after READ BINARY / READ RECORD: the data is valid but shorter than Ne because the
    /// end of the file or record was reached (ISO 7816-4 §7.2.3, §7.3.3).
    case endOfData
    /// `61xx`: `count` more bytes wait for GET RESPONSE. ``T0Channel`` consumes this; seeing it
    /// here means the channel was not wrapped.
    case moreDataAvailable(Int)
    /// `6Cxx`: resend with Le = `length`. ``T0Channel`` consumes this too.
    case wrongLe(correctLength: Int)
    /// A `62xx`/`63xx` warning that the command accepts: processing completed (for UPDATE
    /// BINARY/RECORD `63Cx` means "written after x internal retries").
    case warning(StatusWord, String)
}

/// The per-command status-word table ("interpret an SW per command, because the same
/// SW means different things for different commands").
///
/// ``interpret(_:after:context:)`` turns (command, SW) into either a ``CardCommandOutcome`` or a
/// ``CardCommandError`` whose message names the file, record, offset or key involved, taken from
/// the APDU itself (FID in the SELECT data, record number in P1, offset in P1-P2, key reference in
/// P2) and from the caller's ``CardCommandContext``.
///
/// The table, command-specific rows first; anything not listed is "unexpected status word XXXX
/// after <command>":
///
/// ```
/// any             9000 success · 61xx more data · 6Cxx wrong Le
///                 6982 authenticate with <key> first · 6E00 class · 6D00 INS · 6700 length
///                 6A86 P1-P2 · 6A80 data · 6581 memory · 6985 conditions · 6986 no current EF
/// SELECT          6A82 file <FID> not found · 6283 deactivated (warning)
/// READ BINARY     6282 end of data · 6B00 offset beyond end · 6981 not transparent
/// READ RECORD     6282 end of data · 6A83 record <n> not found in <EF> · 6981 not a record EF
/// UPDATE BINARY   6B00 offset beyond end · 6A84 no space · 6981 not transparent · 63Cx warning
/// UPDATE RECORD   6A83 record not found · 6A84 too long · 6988/6987 secure messaging · 63Cx warning
/// WRITE/ERASE REC 6A83 index record not found
/// EXTERNAL AUTH   63Cx failed, x tries left · 6300 failed · 6983 key blocked
///                 6984 stale challenge · 6985 no challenge · 6A88 key not on card
/// VERIFY          63Cx PIN wrong, x tries left · 6983 PIN blocked · 6984 PIN invalidated
/// ```
///
/// Which SWs this card family really returns is only partly trace-verified (health-card.md §6
/// "Status words": 9000, 61xx, 63Cx, 6A88 [T]; 6A82 [V]; the rest assumed ISO/PBOC [U]).
public enum StatusWordInterpretation {
    /// Interprets `statusWord` as the answer to `command`.
    public static func interpret(
        _ statusWord: StatusWord, after command: CommandAPDU, context: CardCommandContext = .init()
    ) -> Result<CardCommandOutcome, CardCommandError> {
        let kind = CardCommandKind(command)
        let row = Row(kind: kind, command: command, context: context, statusWord: statusWord)
        if let specific = row.commandSpecific() { return specific }
        if let generic = row.generic() { return generic }
        return .failure(row.error("unexpected status word \(statusWord.hex) after \(kind.name)"))
    }

    /// One lookup: the facts the messages are built from.
    private struct Row {
        let kind: CardCommandKind
        let command: CommandAPDU
        let context: CardCommandContext
        let statusWord: StatusWord

        func error(_ message: String) -> CardCommandError {
            CardCommandError(command: kind, statusWord: statusWord, message: message)
        }

        func fail(_ message: String) -> Result<CardCommandOutcome, CardCommandError> {
            .failure(error(message))
        }

        /// "EF05" from the context, or a neutral phrase.
        var fileName: String { context.file.map(\.description) ?? "the current file" }

        /// The FID a SELECT names, from its data field.
        var selectedFile: String {
            command.nc == 2
                ? FileIdentifier(UInt16(command.data[0]) << 8 | UInt16(command.data[1])).description
                : Hex.encode(command.data)
        }

        var binaryOffset: String { Hex.offset(Int(command.p1 & 0x7F) << 8 | Int(command.p2)) }

        /// "key 84 (RK_DF01)" / "key 84".
        var keyName: String {
            let reference = "key \(Hex.encode([command.p2]))"
            return context.key.map { "\(reference) (\($0))" } ?? reference
        }

        var isSecureMessaging: Bool { command.cla & 0x0C != 0 && command.cla & 0x80 == 0 }

        /// The command-specific rows of the table; `nil` falls through to `generic()`.
        func commandSpecific() -> Result<CardCommandOutcome, CardCommandError>? {
            let sw = statusWord
            switch kind {
            case .select:
                if sw == .fileNotFound { return fail("file \(selectedFile) not found") }
                if sw == 0x6283 { return .success(.warning(sw, "file \(selectedFile) is deactivated")) }
            case .readBinary:
                if sw == 0x6282 { return .success(.endOfData) }
                if sw == .wrongOffset { return fail("offset \(binaryOffset) is beyond the end of \(fileName)") }
                if sw == .fileIncompatible {
                    return fail("\(fileName) is not a transparent file: read it with READ RECORD")
                }
            case .readRecord:
                if sw == 0x6282 { return .success(.endOfData) }
                if sw == .recordNotFound {
                    return command.p2 == 0x00
                        ? fail("no record with identifier \(Hex.encode([command.p1])) in \(fileName)")
                        : fail("record \(command.p1) not found in \(fileName)")
                }
                if sw == .fileIncompatible {
                    return fail("\(fileName) is not a record file: read it with READ BINARY")
                }
            case .updateBinary:
                if sw.retriesLeft != nil { return .success(.warning(sw, "written after internal retries")) }
                if sw == .wrongOffset { return fail("offset \(binaryOffset) is beyond the end of \(fileName)") }
                if sw == .notEnoughMemory {
                    return fail("\(command.nc) bytes at offset \(binaryOffset) do not fit in \(fileName)")
                }
                if sw == .fileIncompatible {
                    return fail("\(fileName) is not a transparent file: write it with UPDATE RECORD")
                }
            case .updateRecord:
                if sw.retriesLeft != nil { return .success(.warning(sw, "written after internal retries")) }
                if sw == .recordNotFound {
                    return command.p1 == 0 && command.p2 == 0x03
                        ? fail("\(fileName) has no record to cycle (is it a cyclic file?)")
                        : fail("record \(command.p1) not found in \(fileName)")
                }
                if sw == .notEnoughMemory || sw == .wrongLength {
                    return fail("record data of \(command.nc) bytes does not match the record length of \(fileName)")
                }
                if sw == .incorrectSecureMessaging || sw == 0x6987 {
                    return fail(
                        "secure messaging rejected (\(sw.hex)): MAC or cryptogram wrong; derive the session key"
                            + " again from a fresh GET CHALLENGE")
                }
                if sw == .fileIncompatible {
                    return fail("\(fileName) is not a record file: write it with UPDATE BINARY")
                }
            case .writeRecord, .eraseRecord:
                if sw == .recordNotFound { return fail("index record \(command.p1) not found in \(fileName)") }
            case .externalAuthenticate:
                if let tries = sw.retriesLeft {
                    return fail(
                        "external authentication with \(keyName) failed: \(apduTriesLeft(tries))"
                            + " (check the SAM key and the diversification factors)")
                }
                if sw == 0x6300 { return fail("external authentication failed with \(keyName)") }
                if sw == .authenticationMethodBlocked {
                    return fail("key blocked: \(keyName) has no tries left; the issuer must unblock the card")
                }
                if sw == .referenceDataInvalidated {
                    return fail("challenge invalid: run GET CHALLENGE immediately before EXTERNAL AUTHENTICATE")
                }
                if sw == .conditionsNotSatisfied {
                    return fail("no challenge pending: run GET CHALLENGE before EXTERNAL AUTHENTICATE")
                }
                if sw == .referencedDataNotFound {
                    return fail("\(keyName) not found on the card: wrong key reference for this DF")
                }
                if sw == .wrongLength {
                    return fail(
                        "wrong length: authentication data must be 17 bytes (A ‖ D ‖ 01), got \(command.nc)")
                }
            case .verify:
                if let tries = sw.retriesLeft { return fail("PIN wrong: \(apduTriesLeft(tries))") }
                if sw == .authenticationMethodBlocked {
                    return fail("PIN blocked: no tries left; the SAM must be unblocked by its issuer")
                }
                if sw == .referenceDataInvalidated {
                    return fail("PIN invalidated: the reference data must be reset by the SAM issuer")
                }
            default:
                break
            }
            return nil
        }

        func generic() -> Result<CardCommandOutcome, CardCommandError>? {
            let sw = statusWord
            if sw == .success { return .success(.success) }
            if let count = sw.bytesAvailable { return .success(.moreDataAvailable(count)) }
            if let length = sw.correctLength { return .success(.wrongLe(correctLength: length)) }
            switch sw {
            case .securityStatusNotSatisfied:
                let how =
                    context.key.map { "authenticate with \($0) first" }
                    ?? "run EXTERNAL AUTHENTICATE with this DF's key first"
                return fail("security status not satisfied: \(how)")
            case .claNotSupported:
                return fail(
                    isSecureMessaging
                        ? "class \(Hex.encode([command.cla])) (secure messaging) not supported by this card"
                        : "class \(Hex.encode([command.cla])) not supported by this card")
            case .insNotSupported:
                return fail("instruction \(Hex.encode([command.ins])) (\(kind.name)) not supported by this card")
            case .wrongLength:
                return fail("wrong length: the card rejected Lc/Le of \(kind.name)")
            case .incorrectP1P2:
                return fail("incorrect P1-P2 \(Hex.encode([command.p1, command.p2])) for \(kind.name)")
            case .wrongData:
                return fail("wrong data: the card rejected the data field of \(kind.name)")
            case .memoryFailure:
                return fail("\(sw.description): the card could not write; retry once, then replace the card")
            case .conditionsNotSatisfied:
                return fail("conditions of use not satisfied for \(kind.name)")
            case .commandNotAllowed:
                return fail("command not allowed: select the file before \(kind.name)")
            case .fileNotFound:
                return fail("file not found")
            case .incorrectSecureMessaging:
                return fail("secure messaging data objects incorrect (MAC wrong)")
            case .authenticationMethodBlocked:
                return fail("authentication method blocked")
            default:
                return nil
            }
        }
    }
}

// MARK: - Checking a response

extension ResponseAPDU {
    /// Interprets this response's status word for `command` and throws if the card refused it.
    ///
    /// Returns the outcome for accepted status words (``CardCommandOutcome/success``,
    /// ``CardCommandOutcome/endOfData``, ``CardCommandOutcome/warning(_:_:)``, and `61xx`/`6Cxx`
    /// for channels without ``T0Channel``).
    @discardableResult
    public func check(
        after command: CommandAPDU, context: CardCommandContext = .init()
    ) throws(CardCommandError) -> CardCommandOutcome {
        try StatusWordInterpretation.interpret(statusWord, after: command, context: context).get()
    }
}
