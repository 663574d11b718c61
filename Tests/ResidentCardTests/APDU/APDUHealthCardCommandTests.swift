import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// The exact bytes of every command in health-card.md §6, against the spec's trace examples
/// (§2 notes, §7.4, §8) where there is one.
@Suite("APDU health-card commands (health-card.md §6)")
struct APDUHealthCardCommandTests {
    static let cryptogram: [UInt8] = [0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8]
    /// The constant terminal data D the SDK uses for RK keys (health-card.md §7.4 step 3).
    static let rkTerminalData: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88]

    static func vectors() throws -> [(String, CommandAPDU, String)] {
        [
            ("SELECT DDF1 [T]", HealthCardCommand.select(0xDDF1), "00A4000002DDF1"),
            ("SELECT MF", HealthCardCommand.select(.masterFile), "00A40000023F00"),
            ("SELECT EF05", HealthCardCommand.select(0xEF05), "00A4000002EF05"),
            ("SELECT DDF1 asking for the FCI", HealthCardCommand.select(0xDDF1, fci: true), "00A4000002DDF100"),
            ("READ BINARY first 0x80 chunk", try HealthCardCommand.readBinary(offset: 0, ne: 0x80), "00B0000080"),
            (
                "READ BINARY last ED01 chunk", try HealthCardCommand.readBinary(offset: 0x0B80, ne: 0x45),
                "00B00B8045"
            ),
            ("READ BINARY highest offset", try HealthCardCommand.readBinary(offset: 0x7FFF, ne: 1), "00B07FFF01"),
            ("READ BINARY Le 00", try HealthCardCommand.readBinary(offset: 0x0100, ne: 256), "00B0010000"),
            (
                "READ RECORD by identifier 39 [T]", try HealthCardCommand.readRecord(identifier: 0x39, ne: 5),
                "00B2390005"
            ),
            (
                "READ RECORD issuer certificate [T]", try HealthCardCommand.readRecord(identifier: 0x05, ne: 0xB6),
                "00B20500B6"
            ),
            ("READ RECORD card type (§8)", try HealthCardCommand.readRecord(identifier: 0x01, ne: 3), "00B2010003"),
            ("READ RECORD number 1, whole", try HealthCardCommand.readRecord(number: 1), "00B2010400"),
            ("READ RECORD number 3, 120 bytes", try HealthCardCommand.readRecord(number: 3, ne: 120), "00B2030478"),
            (
                "UPDATE BINARY at 0x0400", try HealthCardCommand.updateBinary(offset: 0x0400, data: [0x01, 0x02]),
                "00D60400020102"
            ),
            (
                "UPDATE RECORD plain", try HealthCardCommand.updateRecord(number: 2, data: [0xAA, 0xBB]),
                "00DC020402AABB"
            ),
            (
                "UPDATE RECORD cyclic (P1 00, P2 03)",
                try HealthCardCommand.updateCyclicRecord(data: [UInt8](repeating: 0x20, count: 24)),
                "00DC000318" + String(repeating: "20", count: 24)
            ),
            (
                "UPDATE RECORD secure messaging, 1-byte item → Lc 14",
                try HealthCardCommand.updateRecordSecureMessaging(
                    number: 1, ciphertext: [UInt8](repeating: 0x11, count: 16), mac: [0x01, 0x02, 0x03, 0x04]),
                "04DC010414" + String(repeating: "11", count: 16) + "01020304"
            ),
            ("DF03 index mark valid [U]", try HealthCardCommand.markIndexRecordValid(number: 2), "84D2020400"),
            ("DF03 index erase [U]", try HealthCardCommand.markIndexRecordEmpty(number: 3), "840C030400"),
            ("GET CHALLENGE [T]", HealthCardCommand.getChallenge(), "0084000008"),
            (
                "EXTERNAL AUTHENTICATE RK_DDF1 [T]",
                try HealthCardCommand.externalAuthenticate(
                    keyReference: 0x04, cryptogram: cryptogram, terminalData: rkTerminalData),
                "0082000411" + "A1A2A3A4A5A6A7A8" + "1122334455667788" + "01"
            ),
            (
                "EXTERNAL AUTHENTICATE RK_DF01",
                try HealthCardCommand.externalAuthenticate(
                    keyReference: 0x84, cryptogram: cryptogram, terminalData: rkTerminalData),
                "0082008411A1A2A3A4A5A6A7A8112233445566778801"
            ),
            ("GET RESPONSE 10 [T]", try HealthCardCommand.getResponse(ne: 0x10), "00C0000010"),
            ("GET RESPONSE 256", try HealthCardCommand.getResponse(ne: 256), "00C0000000"),
            ("VERIFY SAM PIN", try HealthCardCommand.verify(pin: [0x12, 0x34, 0x56]), "0020000003123456"),
            (
                "CHANGE PIN (SAM vendor)",
                try HealthCardCommand.changePIN(old: [0x12, 0x34, 0x56], new: [0x65, 0x43]),
                "805E010006123456FF6543"
            ),
        ]
    }

    @Test("every command encodes to the spec's bytes and parses back")
    func exactBytes() throws {
        for (name, apdu, hex) in try Self.vectors() {
            #expect(Hex.encode(apdu.bytes) == hex, "\(name)")
            #expect(try CommandAPDU(bytes: apdu.bytes) == apdu, "\(name)")
        }
    }

    @Test("secure-messaging Lc is ciphertext + 4, as in health-card.md §7.5 (180-byte item → C4)")
    func secureMessagingLc() throws {
        let apdu = try HealthCardCommand.updateRecordSecureMessaging(
            number: 5, ciphertext: [UInt8](repeating: 0, count: 192), mac: [0, 0, 0, 0])
        #expect(Array(apdu.bytes.prefix(5)) == [0x04, 0xDC, 0x05, 0x04, 0xC4])
        #expect(apdu.bytes.count == 5 + 0xC4)
    }

    @Test("the DF03 index commands are five bytes ending in 00, as the vendor sends them")
    func indexCommandsAreFiveBytes() throws {
        let valid = try HealthCardCommand.markIndexRecordValid(number: 1)
        #expect(valid.bytes == [0x84, 0xD2, 0x01, 0x04, 0x00])
        #expect(valid.data.isEmpty)
        let erase = try HealthCardCommand.markIndexRecordEmpty(number: 5)
        #expect(erase.bytes == [0x84, 0x0C, 0x05, 0x04, 0x00])
    }

    @Test("READ BINARY above 256 bytes becomes extended")
    func extendedRead() throws {
        let apdu = try HealthCardCommand.readBinary(offset: 0, ne: 3013)
        #expect(Hex.encode(apdu.bytes) == "00B00000000BC5")
    }

    @Test("out-of-range arguments throw invalidValue")
    func invalidArguments() {
        let tooShort = [UInt8](repeating: 0, count: 7)
        let attempts: [(String, () throws -> CommandAPDU)] = [
            ("offset 0x8000", { try HealthCardCommand.readBinary(offset: 0x8000, ne: 1) }),
            ("negative offset", { try HealthCardCommand.readBinary(offset: -1, ne: 1) }),
            ("Ne 0", { try HealthCardCommand.readBinary(offset: 0, ne: 0) }),
            ("record 0", { try HealthCardCommand.readRecord(number: 0) }),
            ("record FF", { try HealthCardCommand.readRecord(number: 0xFF) }),
            ("record Le 257", { try HealthCardCommand.readRecord(number: 1, ne: 257) }),
            ("identifier 0", { try HealthCardCommand.readRecord(identifier: 0, ne: 5) }),
            ("empty UPDATE BINARY", { try HealthCardCommand.updateBinary(offset: 0, data: []) }),
            ("UPDATE BINARY offset", { try HealthCardCommand.updateBinary(offset: 0x8000, data: [1]) }),
            (
                "record 256 bytes",
                { try HealthCardCommand.updateRecord(number: 1, data: .init(repeating: 0, count: 256)) }
            ),
            (
                "SM ciphertext not a multiple of 16",
                {
                    try HealthCardCommand.updateRecordSecureMessaging(
                        number: 1, ciphertext: .init(repeating: 0, count: 15), mac: [0, 0, 0, 0])
                }
            ),
            (
                "SM MAC of 3 bytes",
                {
                    try HealthCardCommand.updateRecordSecureMessaging(
                        number: 1, ciphertext: .init(repeating: 0, count: 16), mac: [0, 0, 0])
                }
            ),
            (
                "cryptogram of 7 bytes",
                {
                    try HealthCardCommand.externalAuthenticate(
                        keyReference: 4, cryptogram: tooShort, terminalData: Self.rkTerminalData)
                }
            ),
            (
                "terminal data of 7 bytes",
                {
                    try HealthCardCommand.externalAuthenticate(
                        keyReference: 4, cryptogram: Self.cryptogram, terminalData: tooShort)
                }
            ),
            ("GET RESPONSE 0", { try HealthCardCommand.getResponse(ne: 0) }),
            ("GET RESPONSE 257", { try HealthCardCommand.getResponse(ne: 257) }),
            ("empty PIN", { try HealthCardCommand.verify(pin: []) }),
            ("mark valid record 0", { try HealthCardCommand.markIndexRecordValid(number: 0) }),
        ]
        for (name, attempt) in attempts {
            #expect(throws: HealthCardError.invalidValue(""), "\(name)") { try attempt() }
        }
    }

    @Test(
        "each command has the right kind",
        arguments: [
            ("00A4000002DDF1", "SELECT"), ("00B0000080", "READ BINARY"), ("00B2010400", "READ RECORD"),
            ("00D60000010A", "UPDATE BINARY"), ("04DC0104", "UPDATE RECORD"), ("84D2020400", "WRITE RECORD"),
            ("840C030400", "ERASE RECORD"), ("0084000008", "GET CHALLENGE"), ("00820004", "EXTERNAL AUTHENTICATE"),
            ("00C0000010", "GET RESPONSE"), ("0020000003123456", "VERIFY"), ("805E0100", "CHANGE PIN"),
            ("00CA9F7F00", "INS CA"),
        ])
    func kinds(hex: String, name: String) throws {
        #expect(CardCommandKind(try CommandAPDU(bytes: apduTestBytes(hex))).name == name)
    }
}
