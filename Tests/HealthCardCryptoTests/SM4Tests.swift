import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthCardTestSupport


@Suite("Crypto: SM4")
struct CryptoSM4Tests {
    typealias T = CryptoTestSupport

    static let key = T.bytes(hex: "0123456789abcdeffedcba9876543210")
    static let iv = T.bytes(hex: "000102030405060708090a0b0c0d0e0f")
    /// Three blocks: the standard plaintext, a repeated byte, and a counter.
    static let plaintext = T.bytes(
        hex: """
            0123456789abcdeffedcba9876543210 a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5 000102030405060708090a0b0c0d0e0f
            """)

    /// CBC written out with single-block ECB calls, independent of OpenSSL's CBC mode.
    static func referenceCBC(_ cipher: SM4, _ data: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        var chain = iv
        var output: [UInt8] = []
        for start in stride(from: 0, to: data.count, by: 16) {
            let block = zip(data[start..<start + 16], chain).map { $0 ^ $1 }
            chain = try cipher.encryptECB(block)
            output += chain
        }
        return output
    }

    @Test("GB/T 32907-2016 example 1: one block, key = plaintext")
    func standardVector() throws {
        let cipher = try SM4(key: Self.key)
        let ciphertext = try cipher.encryptECB(Self.key)
        #expect(T.hex(ciphertext) == "681edf34d206965e86b3e94f536e4246")
        #expect(try cipher.decryptECB(ciphertext) == Self.key)
    }

    @Test("ECB encrypts every block on its own")
    func ecbBlocks() throws {
        let cipher = try SM4(key: Self.key)
        let twice = try cipher.encryptECB(Self.key + Self.key)
        #expect(T.hex(twice) == String(repeating: "681edf34d206965e86b3e94f536e4246", count: 2))
        #expect(try cipher.encryptECB([]) == [])
    }

    @Test("CBC matches a chain of ECB blocks, decrypts back, and is pinned")
    func cbc() throws {
        let cipher = try SM4(key: Self.key)
        let ciphertext = try cipher.encryptCBC(Self.plaintext, iv: Self.iv)
        #expect(ciphertext == (try Self.referenceCBC(cipher, Self.plaintext, iv: Self.iv)))
        #expect(try cipher.decryptCBC(ciphertext, iv: Self.iv) == Self.plaintext)
        #expect(T.hex(ciphertext) == Self.pinnedCBC)
        // A different IV changes every block.
        let other = try cipher.encryptCBC(Self.plaintext, iv: [UInt8](repeating: 0, count: 16))
        #expect(other.prefix(16) != ciphertext.prefix(16))
    }

    /// Cross-checked once with `openssl enc -sm4-cbc -nopad -K … -iv …`.
    static let pinnedCBC =
        "a9a268883a336315bac0c9c9ff350ab1971e9b293ef5e911671b1ec8960b88d8fbad1674043a1b5072009492e002c8d0"

    @Test("the PBOC MAC equals an ECB-built CBC-MAC over 80 00… padding")
    func macIndependent() throws {
        let cipher = try SM4(key: Self.key)
        for length in [0, 1, 15, 16, 17, 21, 32, 100] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            var padded = data + [0x80]
            while padded.count % 16 != 0 { padded.append(0) }
            let expected = Array(try Self.referenceCBC(cipher, padded, iv: Self.iv).suffix(16).prefix(4))
            #expect(try cipher.pbocMAC(for: data, iv: Self.iv) == expected, "length \(length)")
        }
    }

    @Test("the PBOC MAC of a secure-messaging record write is pinned (health-card.md §7.5)")
    func macPinned() throws {
        let cipher = try SM4(key: Self.key)
        // 04 DC 01 04 14 ‖ 16 bytes of ciphertext: a 1-byte item written with secure messaging.
        let command = T.bytes(hex: "04dc010414") + (try cipher.encryptECB(Self.iv))
        let mac = try cipher.pbocMAC(for: command)
        #expect(mac.count == 4)
        #expect(T.hex(mac) == Self.pinnedMAC)
        #expect(try cipher.pbocMAC(for: command, iv: [UInt8](repeating: 0, count: 16)) == mac)
        #expect(try cipher.pbocMAC(for: command, byteCount: 8).prefix(4) == mac[...])
    }

    /// Cross-checked once with `openssl enc -sm4-cbc -nopad` over the padded command, zero IV.
    static let pinnedMAC = "2cd8b93d"

    @Test("CBC and the MAC agree with `openssl enc -sm4-cbc -nopad`", .enabled(if: T.hasOpenSSL))
    func commandLine() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cipher = try SM4(key: Self.key)
        let arguments = ["enc", "-sm4-cbc", "-nopad", "-K", T.hex(Self.key), "-iv", T.hex(Self.iv)]

        let encrypted = try await T.openssl(arguments, in: directory, stdin: Self.plaintext)
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        #expect(try cipher.encryptCBC(Self.plaintext, iv: Self.iv) == encrypted.stdout)

        let data = T.bytes(hex: "04dc010414") + Array(repeating: 0x5a, count: 16)
        let padded = ISO9797Padding.method2(data)
        let chained = try await T.openssl(arguments, in: directory, stdin: padded)
        #expect(chained.status == 0, "\(chained.stderr)")
        #expect(try cipher.pbocMAC(for: data, iv: Self.iv) == Array(chained.stdout.suffix(16).prefix(4)))
    }

    @Test("rejects wrong key, IV, data and MAC lengths")
    func lengths() throws {
        #expect(throws: HealthCardError.invalidValue("")) { try SM4(key: Array(repeating: 0, count: 15)) }
        #expect(throws: HealthCardError.invalidValue("")) { try SM4(key: Array(repeating: 0, count: 32)) }
        let cipher = try SM4(key: Self.key)
        #expect(throws: HealthCardError.invalidValue("")) { try cipher.encryptECB(Array(repeating: 0, count: 15)) }
        #expect(throws: HealthCardError.invalidValue("")) {
            try cipher.decryptCBC(Array(repeating: 0, count: 17), iv: Self.iv)
        }
        #expect(throws: HealthCardError.invalidValue("")) {
            try cipher.encryptCBC(Self.key, iv: Array(repeating: 0, count: 8))
        }
        #expect(throws: HealthCardError.invalidValue("")) { try cipher.pbocMAC(for: [1], byteCount: 0) }
        #expect(throws: HealthCardError.invalidValue("")) { try cipher.pbocMAC(for: [1], byteCount: 17) }
    }

    @Test("ISO 9797-1 method 2 padding always adds the 80 marker")
    func padding() throws {
        #expect(ISO9797Padding.method2([]) == [0x80] + Array(repeating: 0, count: 15))
        #expect(ISO9797Padding.method2(Array(repeating: 1, count: 15)) == Array(repeating: 1, count: 15) + [0x80])
        #expect(ISO9797Padding.method2(Array(repeating: 1, count: 16)).count == 32)
        #expect(ISO9797Padding.method2([1, 2, 3], blockByteCount: 8) == [1, 2, 3, 0x80, 0, 0, 0, 0])
        for length in 0...33 {
            let data = Array(repeating: UInt8(0), count: length)  // zeros in the data must survive
            #expect(try ISO9797Padding.removeMethod2(ISO9797Padding.method2(data)) == data)
        }
        #expect(throws: HealthCardError.malformed("")) { try ISO9797Padding.removeMethod2([1, 2, 0, 0]) }
        #expect(throws: HealthCardError.malformed("")) { try ISO9797Padding.removeMethod2([]) }
        // The marker must be within the last block: 80 followed by 16 zeros is not padding.
        #expect(throws: HealthCardError.malformed("")) {
            try ISO9797Padding.removeMethod2([0x80] + Array(repeating: 0, count: 16))
        }
    }
}
