import HealthCardCrypto
import HealthCardFoundation

/// What the terminal asks of its SAM (health-card.md §7): the SAM holds the master keys and
/// the record-signing key, so every cryptogram and MAC the card checks comes from here.
///
/// A protocol because the SAM is pluggable: ``APDUSecureAccessModule`` drives any SAM over a
/// ``CardChannel`` (the virtual SAM in-process, or a real SAM in a second PC/SC slot).
public protocol SecureAccessModule: Sendable {
    /// `00 20 00 00 Lc PIN`: unlocks key derivation and signing.
    func verifyPIN(_ pin: [UInt8]) async throws
    /// `80 DE P1 P2 Lc | factors ‖ challenge`: derives the session key for one card key.
    func deriveSessionKey(p1: UInt8, p2: UInt8, factors: [[UInt8]], challenge: [UInt8]) async throws
    /// `80 FA 00 00`: encrypts whole 16-byte blocks under the session key.
    func encrypt(_ blocks: [UInt8]) async throws -> [UInt8]
    /// `80 FA 05 00 | IV ‖ data‖80 00…`: the 4-byte MAC of `data` under the session key.
    func mac(_ data: [UInt8]) async throws -> [UInt8]
    /// The SAM's SM2 signature (r‖s) over `data` (SM3, default distinguishing ID).
    func sign(_ data: [UInt8]) async throws -> [UInt8]
    /// The 190-byte SAM certificate (SAM file DF01/001C).
    func certificate() async throws -> [UInt8]
}

/// A ``SecureAccessModule`` spoken to through APDUs, with the T=0 GET RESPONSE handling the SAM
/// needs (`80 FA` answers `61 10`).
public struct APDUSecureAccessModule<Base: CardChannel>: SecureAccessModule {
    public let channel: T0Channel<Base>

    public init(channel: Base) { self.channel = T0Channel(channel) }

    private func send(_ cla: UInt8, _ ins: UInt8, _ p1: UInt8, _ p2: UInt8, _ data: [UInt8], ne: Int? = nil,
        key: String? = nil) async throws -> [UInt8]
    {
        let command = try CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: data, ne: ne)
        do {
            return try await channel.transmitChecked(command, context: CardCommandContext(key: key)).data
        } catch let error as CardCommandError {
            throw SAMError(command: error.command.name, statusWord: error.statusWord, detail: error.message)
        }
    }

    public func verifyPIN(_ pin: [UInt8]) async throws {
        let response = try await channel.transmit(try HealthCardCommand.verify(pin: pin))
        switch response.statusWord {
        case .success: return
        case .authenticationMethodBlocked: throw SAMError.pinBlocked
        default:
            if let left = response.statusWord.retriesLeft { throw SAMError.wrongPIN(triesLeft: left) }
            throw SAMError(command: "VERIFY", statusWord: response.statusWord, detail: "SAM refused the PIN")
        }
    }

    public func deriveSessionKey(p1: UInt8, p2: UInt8, factors: [[UInt8]], challenge: [UInt8]) async throws {
        _ = try await send(0x80, 0xDE, p1, p2, factors.flatMap { $0 } + challenge)
    }

    /// Sent without Le (case 3), as the real-card trace shows (`80FA000010 …` → `6110`, then
    /// `00C0000010`; health-card.md §7.4) and the vendor code does for the MAC (`80FA0500 Lc …`,
    /// then `00C0000004`): the answer comes with GET RESPONSE, through the T=0 handling.
    public func encrypt(_ blocks: [UInt8]) async throws -> [UInt8] {
        try await send(0x80, 0xFA, 0x00, 0x00, blocks)
    }

    public func mac(_ data: [UInt8]) async throws -> [UInt8] {
        let padded = ISO9797Padding.method2(data, blockByteCount: 16)
        return try await send(0x80, 0xFA, 0x05, 0x00, [UInt8](repeating: 0, count: 16) + padded)
    }

    public func sign(_ data: [UInt8]) async throws -> [UInt8] {
        try await send(0x80, 0xF8, 0x00, 0x00, data, ne: 64)
    }

    public func certificate() async throws -> [UInt8] {
        _ = try await send(0x00, 0xA4, 0x00, 0x00, [0xDF, 0x01])
        _ = try await send(0x00, 0xA4, 0x00, 0x00, [0x00, 0x1C])
        return try await ChunkedTransfer.readBinary(from: channel, length: SAMCertificate.byteCount)
    }
}

/// A SAM refused a command; the message says what a field engineer can do about it.
public struct SAMError: Error, Hashable, Sendable, CustomStringConvertible {
    public let command: String
    public let statusWord: StatusWord?
    public let detail: String

    public init(command: String, statusWord: StatusWord?, detail: String) {
        self.command = command
        self.statusWord = statusWord
        self.detail = detail
    }

    public static func wrongPIN(triesLeft: Int) -> SAMError {
        SAMError(command: "VERIFY", statusWord: StatusWord(rawValue: 0x63C0 | UInt16(triesLeft)),
            detail: "wrong SAM PIN: \(triesLeft) tries left before the SAM blocks")
    }

    public static let pinBlocked = SAMError(command: "VERIFY", statusWord: .authenticationMethodBlocked,
        detail: "the SAM PIN is blocked: the SAM must be unblocked by its issuer")

    public var description: String { "SAM: \(detail)" }
}

extension APDUSecureAccessModule {
    /// Reads `length` bytes of the SAM file `fid`, in `df` when given (else in the SAM's MF):
    /// the SAM-side files of health-card.md §7.7 (serial 0015, terminal number 0016, key index
    /// 001A, issuer certificate 001B, SAM certificate 001C). Selects 3F00 first, as the vendor
    /// functions do after their SAM reset.
    public func readFile(_ fid: FileIdentifier, in df: FileIdentifier? = nil, length: Int) async throws -> [UInt8] {
        _ = try await send(0x00, 0xA4, 0x00, 0x00, [0x3F, 0x00])
        if let df { _ = try await send(0x00, 0xA4, 0x00, 0x00, [UInt8(df.rawValue >> 8), UInt8(df.rawValue & 0xFF)]) }
        _ = try await send(0x00, 0xA4, 0x00, 0x00, [UInt8(fid.rawValue >> 8), UInt8(fid.rawValue & 0xFF)])
        return try await ChunkedTransfer.readBinary(from: channel, length: length)
    }
}
