import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthCardTestSupport


@Suite("Crypto: SM3")
struct CryptoSM3Tests {
    typealias T = CryptoTestSupport

    @Test("GB/T 32905-2016 example 1: \"abc\"")
    func abc() {
        #expect(
            T.hex(SM3.hash(Array("abc".utf8))) == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    @Test("GB/T 32905-2016 example 2: \"abcd\" × 16 (64 bytes, two blocks after padding)")
    func abcd16() {
        let message = Array(String(repeating: "abcd", count: 16).utf8)
        #expect(message.count == 64)
        #expect(T.hex(SM3.hash(message)) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    }

    @Test("the empty message")
    func empty() {
        #expect(T.hex(SM3.hash([])) == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")
        #expect(SM3.digestByteCount == 32)
    }

    @Test("a slice hashes like the same bytes as an array")
    func slice() {
        let buffer = Array("xxabcyy".utf8)
        #expect(SM3.hash(buffer[2..<5]) == SM3.hash(Array("abc".utf8)))
    }

    @Test("agrees with `openssl dgst -sm3` around the padding boundaries", .enabled(if: T.hasOpenSSL))
    func commandLine() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for length in [1, 55, 56, 63, 64, 65, 1000] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let output = try await T.openssl(["dgst", "-sm3", "-binary"], in: directory, stdin: message)
            #expect(output.status == 0)
            #expect(SM3.hash(message) == output.stdout, "length \(length)")
        }
    }
}
