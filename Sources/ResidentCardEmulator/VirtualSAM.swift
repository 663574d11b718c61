import HealthCardCrypto
import HealthCardFoundation
import ResidentCard

/// A terminal SAM (安全存取模块) in software, health-card.md §7.1 and §7.7: master keys that it
/// diversifies per card (`80 DE`), encryption and MAC under the derived key (`80 FA`), a PIN
/// (`00 20`), its files (serial, terminal number, certificates) and SM2 signing of encounter
/// records.
///
/// SM1 is secret, so SM4 stands in (`SecureChannelCryptography`), with **test keys only**. The
/// SM2 signing command is not in any public source: this SAM answers `80 F8 00 00 Lc data` with
/// the 64-byte r‖s signature over `data` (SM3, distinguishing ID `1234567812345678`) [U]. Like
/// the SAM in the trace, it answers data-bearing commands with `61xx` and GET RESPONSE.
public struct VirtualSAM: Sendable {
    /// Public test master keys, one per `80 DE` P1 P2 of health-card.md §7.2.
    public static let testMasterKeys: [String: [UInt8]] = {
        var keys: [String: [UInt8]] = [:]
        for reference in KeyReference.all {
            keys[reference.samKeyName] = SecureChannelCryptography.testMasterKey(reference.samKeyName)
            if let sm = reference.secureMessagingKey {
                let name = String(KeyReference.secureMessagingKeyName(p1: sm.p1, p2: sm.p2).dropFirst(3))
                keys[name] = SecureChannelCryptography.testMasterKey(name)
            }
        }
        return keys
    }()

    /// The test PIN, `12 34 56`.
    public static let testPIN: [UInt8] = [0x12, 0x34, 0x56]

    public let serial: String
    private let masterKeys: [String: [UInt8]]
    /// The PIN: changeable with `80 5E` for the life of this SAM (a process of `hcard emulate`);
    /// a new virtual SAM starts with the test PIN again.
    private var pin: [UInt8]
    private var pinRetries = 3
    private var pinVerified = false
    private var sessionKey: [UInt8]?
    private var pending: [UInt8]?
    private let signingKey: SM2PrivateKey
    /// SAM file 001C.
    public let certificate: [UInt8]
    /// SAM file 001B: the issuer certificate, also in every card's DDF1/EF05.
    public let issuerCertificate: [UInt8]
    private var selected: UInt16 = 0x3F00

    public init(serial: String, masterKeys: [String: [UInt8]], pin: [UInt8], signingKey: SM2PrivateKey,
        certificate: [UInt8], issuerCertificate: [UInt8])
    {
        self.serial = serial
        self.masterKeys = masterKeys
        self.pin = pin
        self.signingKey = signingKey
        self.certificate = certificate
        self.issuerCertificate = issuerCertificate
    }

    /// A SAM with the public test keys, the test PIN and a certificate from the test issuer.
    public static func test(serial: String = "0000000001") throws -> VirtualSAM {
        let issuer = try TestIssuer.shared()
        let key = try SM2PrivateKey(pemRepresentation: TestIssuer.samKeyPEM)
        let certificate = try issuer.certify(samSerial: serial, publicKey: try key.publicKey.rawRepresentation)
        return VirtualSAM(serial: serial, masterKeys: testMasterKeys, pin: testPIN, signingKey: key,
            certificate: certificate, issuerCertificate: issuer.certificate)
    }

    public mutating func reset() {
        pinVerified = false
        sessionKey = nil
        pending = nil
        selected = 0x3F00
    }

    /// Processes one command APDU and returns the response bytes.
    public mutating func process(_ bytes: [UInt8]) -> [UInt8] { handle(bytes).bytes }

    private mutating func handle(_ bytes: [UInt8]) -> ResponseAPDU {
        guard let command = try? CommandAPDU(bytes: bytes) else { return .status(.wrongLength) }
        if command.ins != 0xC0 { pending = nil }
        switch (command.cla, command.ins) {
        case (0x00, 0xA4): return select(command)
        case (0x00, 0xB0): return readBinary(command)
        case (0x00, 0x20): return verify(command)
        case (0x80, 0x5E): return changePIN(command)
        case (0x80, 0xDE): return derive(command)
        case (0x80, 0xFA): return cipher(command)
        case (0x80, 0xF8): return sign(command)
        case (0x00, 0xC0): return getResponse(command)
        default: return .status(.insNotSupported)
        }
    }

    private static let files: Set<UInt16> = [0x3F00, 0xDF01, 0x0015, 0x0016, 0x001A, 0x001B, 0x001C]

    private mutating func select(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.data.count == 2 else { return .status(.wrongLength) }
        let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
        guard Self.files.contains(fid) else { return .status(.fileNotFound) }
        selected = fid
        return .status(.success)
    }

    private func fileContents(_ fid: UInt16) -> [UInt8]? {
        switch fid {
        case 0x0015: (try? FieldEncoding.encodeText(serial, length: 10)).map { $0 + [0x01, 0x01, 0x01, 0x00] }
        case 0x0016: [0x21, 0x00, 0x01, 0x00, 0x00, 0x01]
        case 0x001A: [UInt8](repeating: 0x00, count: 25)
        case 0x001B: issuerCertificate
        case 0x001C: certificate
        default: nil
        }
    }

    private func readBinary(_ command: CommandAPDU) -> ResponseAPDU {
        guard let data = fileContents(selected) else { return .status(.fileIncompatible) }
        let offset = Int(command.p1 & 0x7F) << 8 | Int(command.p2)
        guard offset < data.count else { return .status(.wrongOffset) }
        return .init(data: Array(data[offset..<min(data.count, offset + (command.ne ?? 256))]), statusWord: .success)
    }

    private mutating func verify(_ command: CommandAPDU) -> ResponseAPDU {
        guard pinRetries > 0 else { return .status(.authenticationMethodBlocked) }
        if command.data == pin {
            pinRetries = 3
            pinVerified = true
            return .status(.success)
        }
        pinRetries -= 1
        pinVerified = false
        return pinRetries == 0 ? .status(.authenticationMethodBlocked) : .status(StatusWord(rawValue: 0x63C0 | UInt16(pinRetries)))
    }

    /// `80 5E 01 00 Lc | old ‖ FF ‖ new` (vendor-interface.md §3 `iChange_Pin`): a wrong old PIN
    /// counts as a failed VERIFY.
    private mutating func changePIN(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x01, command.p2 == 0x00 else { return .status(.incorrectP1P2) }
        guard let separator = command.data.firstIndex(of: 0xFF), separator > 0, separator < command.data.count - 1 else {
            return .status(.wrongLength)
        }
        guard pinRetries > 0 else { return .status(.authenticationMethodBlocked) }
        guard Array(command.data[..<separator]) == pin else {
            pinRetries -= 1
            pinVerified = false
            return pinRetries == 0 ? .status(.authenticationMethodBlocked) : .status(StatusWord(rawValue: 0x63C0 | UInt16(pinRetries)))
        }
        pin = Array(command.data[(separator + 1)...])
        pinRetries = 3
        return .status(.success)
    }

    /// `80 DE P1 P2 Lc | card factor (8) [‖ regional factor (8)] ‖ R (8)`: session key for the card.
    private mutating func derive(_ command: CommandAPDU) -> ResponseAPDU {
        guard pinVerified else { return .status(.securityStatusNotSatisfied) }
        let name = Hex.encode([command.p1, command.p2])
        guard let master = masterKeys[name] else { return .status(.referencedDataNotFound) }
        let levels = command.p1 >> 4 == 4 ? 2 : 1
        guard command.data.count == 8 * (levels + 1) else { return .status(.wrongLength) }
        let factors = stride(from: 0, to: 8 * levels, by: 8).map { Array(command.data[$0..<($0 + 8)]) }
        let challenge = Array(command.data.suffix(8))
        do {
            let cardKey = try SecureChannelCryptography.cardKey(master: master, factors: factors)
            sessionKey = try SecureChannelCryptography.diversify(cardKey, factor: challenge)
            return .status(.success)
        } catch {
            return .status(.wrongData)
        }
    }

    /// `80 FA 00 00`: ECB-encrypt whole blocks; `80 FA 05 00 | IV(16) ‖ padded data`: the 4-byte MAC.
    private mutating func cipher(_ command: CommandAPDU) -> ResponseAPDU {
        guard let sessionKey else { return .status(.conditionsNotSatisfied) }
        guard let sm4 = try? SM4(key: sessionKey) else { return .status(.noPreciseDiagnosis) }
        switch command.p1 {
        case 0x00:
            guard !command.data.isEmpty, command.data.count % 16 == 0, let out = try? sm4.encryptECB(command.data) else {
                return .status(.wrongLength)
            }
            return deferred(out)
        case 0x05:
            guard command.data.count >= 32, command.data.count % 16 == 0,
                let chained = try? sm4.encryptCBC(Array(command.data.dropFirst(16)), iv: Array(command.data.prefix(16)))
            else { return .status(.wrongLength) }
            return deferred(Array(chained.suffix(16).prefix(4)))
        default:
            return .status(.incorrectP1P2)
        }
    }

    private mutating func sign(_ command: CommandAPDU) -> ResponseAPDU {
        guard pinVerified else { return .status(.securityStatusNotSatisfied) }
        guard let signature = try? signingKey.signature(for: command.data) else { return .status(.noPreciseDiagnosis) }
        return deferred(signature.rawRepresentation)
    }

    private mutating func deferred(_ data: [UInt8]) -> ResponseAPDU {
        pending = data
        return .status(StatusWord(rawValue: 0x6100 | UInt16(data.count & 0xFF)))
    }

    private mutating func getResponse(_ command: CommandAPDU) -> ResponseAPDU {
        guard let data = pending else { return .status(.conditionsNotSatisfied) }
        pending = nil
        if let ne = command.ne, ne != 256, ne != data.count {
            pending = data
            return .status(StatusWord(rawValue: 0x6C00 | UInt16(data.count & 0xFF)))
        }
        return .init(data: data, statusWord: .success)
    }
}
