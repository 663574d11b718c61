import Foundation
import HealthCardFoundation

/// The content of an offline-verifiable signed health-card code: who issued it (``keyID``), for
/// which card (``cardID``), when (``issuedAt``), for how long (``kind``), and a random ``nonce``.
///
/// Why this exists next to ``EHealthCardPayload``: the platforms' plain `cardId:type[:validity]`
/// payload can only be checked by calling the platform (health-code.md §4.4), and its validity
/// token is opaque (§4.2). A checkpoint without a network needs a code it can check itself, so
/// this format carries a real issue time and an SM2 signature instead. The wire format (byte
/// layout, signed bytes, base45 text) is ``SignedCodeFormat``; issuing is ``SignedCodeIssuer``
/// and checking is ``CodeVerifier``.
///
/// Values are checked on construction, so a `SignedCode` always encodes: the card id follows the
/// grammar of health-code.md §4.3, the issue time fits 32-bit Unix seconds (1970...2106), and a
/// dynamic window is 1...65535 whole seconds.
///
/// - SeeAlso: `Docs/qr-payload.md`; health-code.md §4.1 (type 0 dynamic, 1 static), §4.5 (window).
public struct SignedCode: Hashable, Sendable {
    /// Static or dynamic, with the dynamic code's validity window.
    public enum Kind: Hashable, Sendable {
        /// A static code: no expiry of its own; it stays valid while its key is trusted and the card
        /// is not revoked. Like a printed card, it may be shown many times, so it is never checked
        /// for replay (health-code.md §4.5 pairs static codes with a second factor).
        case `static`
        /// A dynamic code, valid from its issue time for `window` (whole seconds, 1...65535).
        case dynamic(window: Duration)

        /// The wire value, the same digits as the plain grammar's type segment: 0 dynamic, 1 static.
        public var typeCode: UInt8 {
            switch self {
            case .static: 1
            case .dynamic: 0
            }
        }
    }

    /// A random 64-bit value that makes every issued code unique.
    ///
    /// For a dynamic code it is the replay key: a checkpoint that has seen (key id, nonce) within
    /// the code's window has seen this very code (``SeenNonceCache``). 64 bits keep accidental
    /// repeats negligible (birthday bound ≈ 2³² codes per key) at 12 base45 characters.
    public struct Nonce: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: UInt64

        public init(rawValue: UInt64) {
            self.rawValue = rawValue
        }

        /// A fresh nonce from `SystemRandomNumberGenerator` (the OS's cryptographic generator).
        public static func random() -> Self {
            var generator = SystemRandomNumberGenerator()
            return Self(rawValue: generator.next())
        }

        /// The 8 bytes, big-endian, as they sit in the payload.
        public var bytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: rawValue >> (56 - 8 * $0)) } }

        /// 16 upper-case hex digits.
        public var hex: String { Hex.encode(bytes) }

        public var description: String { hex }
    }

    /// The window of a dynamic code when the caller does not choose one: 5 minutes.
    ///
    /// [U] An assumption: no source confirms a 5-minute lifetime; Wenzhou returns a window as an
    /// integer number of minutes and nobody states the value (health-code.md §4.5, §6 item 5).
    /// It is a parameter everywhere for that reason.
    public static let defaultDynamicWindow: Duration = .seconds(300)
    /// The longest window the 2-byte field holds: 65535 s, about 18 hours.
    public static let maximumDynamicWindow: Duration = .seconds(Int(UInt16.max))

    /// Static or dynamic (with its window).
    public let kind: Kind
    /// The issuer key that signed (or is to sign) the code.
    public let keyID: KeyID
    /// The card id, `[0-9A-Za-z]{1,64}` (health-code.md §4.3).
    public let cardID: String
    /// The issue time in Unix seconds, the form on the wire.
    public let issuedAtSeconds: UInt32
    /// The random nonce.
    public let nonce: Nonce

    /// A code, checked so that it can be encoded.
    ///
    /// `issuedAt` is truncated to whole seconds, the payload's resolution.
    ///
    /// - Throws: ``PayloadSyntaxError`` for a card id outside the grammar;
    ///   `HealthCardError/Code/invalidValue` for a window outside 1...65535 whole seconds or an
    ///   issue time outside 1970-01-01...2106-02-07.
    public init(kind: Kind, keyID: KeyID, cardID: String, issuedAt: Date, nonce: Nonce) throws {
        let seconds = issuedAt.timeIntervalSince1970.rounded(.down)
        guard seconds >= 0, seconds <= Double(UInt32.max) else {
            throw HealthCardError.invalidValue("issue time \(issuedAt) is outside 32-bit Unix seconds (1970...2106)")
        }
        try self.init(kind: kind, keyID: keyID, cardID: cardID, issuedAtSeconds: UInt32(seconds), nonce: nonce)
    }

    /// A code with the issue time in Unix seconds.
    public init(kind: Kind, keyID: KeyID, cardID: String, issuedAtSeconds: UInt32, nonce: Nonce) throws {
        if case .dynamic(let window) = kind { _ = try Self.windowSeconds(window) }
        try EHealthCardPayload.checkCardID(cardID)
        self.kind = kind
        self.keyID = keyID
        self.cardID = cardID
        self.issuedAtSeconds = issuedAtSeconds
        self.nonce = nonce
    }

    /// The issue time.
    public var issuedAt: Date { Date(timeIntervalSince1970: TimeInterval(issuedAtSeconds)) }

    /// The dynamic window in whole seconds; `nil` for a static code.
    public var windowSeconds: Int? {
        guard case .dynamic(let window) = kind else { return nil }
        return Int(window.components.seconds)
    }

    /// The end of a dynamic code's window, ``issuedAt`` + window; `nil` for a static code.
    public var expiresAt: Date? {
        windowSeconds.map { Date(timeIntervalSince1970: TimeInterval(Int64(issuedAtSeconds) + Int64($0))) }
    }

    /// `window` as whole seconds in 1...65535.
    ///
    /// - Throws: ``HealthCardError/Code/invalidValue`` otherwise.
    static func windowSeconds(_ window: Duration) throws -> UInt16 {
        let (seconds, attoseconds) = window.components
        guard attoseconds == 0, (1...Int64(UInt16.max)).contains(seconds) else {
            throw HealthCardError.invalidValue(
                "dynamic window \(window) must be whole seconds in 1...\(UInt16.max) (about 18 hours)")
        }
        return UInt16(seconds)
    }
}
