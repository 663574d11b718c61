import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthCardTestSupport


/// Interoperability with the `openssl` tool, the reference the rest of the world checks against.
/// The working invocations for OpenSSL 3.0 are those of pcsc-virtual-card.md §6 ("CLI interop").
@Suite("Crypto: SM2 against the openssl command line", .enabled(if: CryptoTestSupport.hasOpenSSL))
struct CryptoSM2CommandLineTests {
    typealias T = CryptoTestSupport

    static let message = Array("电子健康卡 signed payload 0123456789".utf8)
    static let distid = "distid:1234567812345678"

    @Test("our signature verifies with `openssl dgst` and `openssl pkeyutl`, and only with the ID")
    func weSignOpenSSLVerifies() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try SM2PrivateKey()
        try T.write(Array(try key.publicKey.pemRepresentation.utf8), to: "pub.pem", in: directory)
        try T.write(Self.message, to: "msg", in: directory)
        try T.write(try key.signature(for: Self.message).derRepresentation, to: "sig.der", in: directory)

        let dgst = try await T.openssl(
            ["dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig.der", "-sigopt", Self.distid, "msg"],
            in: directory)
        #expect(dgst.status == 0, "\(dgst.stderr)")
        #expect(dgst.stdoutText == "Verified OK\n")

        let pkeyutl = try await T.openssl(
            [
                "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3", "-in", "msg",
                "-sigfile", "sig.der", "-pkeyopt", Self.distid,
            ], in: directory)
        #expect(pkeyutl.status == 0, "\(pkeyutl.stderr)")
        #expect(pkeyutl.stdoutText == "Signature Verified Successfully\n")

        // Without the ID, OpenSSL 3.0 uses an empty one, and our (standard) signature fails.
        let noID = try await T.openssl(["dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig.der", "msg"], in: directory)
        #expect(noID.status != 0)
        #expect(noID.stdoutText == "Verification failure\n")
    }

    @Test("a signature by `openssl dgst -sign` verifies here; one made without the ID does not")
    func openSSLSignsWeVerify() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try await T.openssl(["genpkey", "-algorithm", "SM2", "-out", "priv.pem"], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        try T.write(Self.message, to: "msg", in: directory)
        let key = try SM2PrivateKey(
            pemRepresentation: String(decoding: try T.read("priv.pem", in: directory), as: UTF8.self))

        for _ in 0..<8 {
            let signed = try await T.openssl(
                ["dgst", "-sm3", "-sign", "priv.pem", "-sigopt", Self.distid, "-out", "sig.der", "msg"], in: directory)
            #expect(signed.status == 0, "\(signed.stderr)")
            let der = try T.read("sig.der", in: directory)
            let signature = try SM2Signature(derRepresentation: der)
            #expect(signature.derRepresentation == der)  // strict DER: OpenSSL's bytes come back exactly
            #expect(try key.publicKey.isValidSignature(signature, for: Self.message))
            #expect(
                try SM2Verifier(publicKey: key.publicKey).isValidSignature(
                    signature.rawRepresentation, for: Self.message))
        }

        let unset = try await T.openssl(["dgst", "-sm3", "-sign", "priv.pem", "-out", "plain.der", "msg"], in: directory)
        #expect(unset.status == 0, "\(unset.stderr)")
        let plain = try SM2Signature(derRepresentation: try T.read("plain.der", in: directory))
        #expect(try !key.publicKey.isValidSignature(plain, for: Self.message))
    }

    @Test("a signature under another ID does not verify under the default, at either end")
    func otherIDAcrossTools() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try SM2PrivateKey()
        try T.write(Array(try key.publicKey.pemRepresentation.utf8), to: "pub.pem", in: directory)
        try T.write(Self.message, to: "msg", in: directory)
        let alice = try SM2DistinguishingID("ALICE123@YAHOO.COM")
        try T.write(
            try key.signature(for: Self.message, distinguishingID: alice).derRepresentation,
            to: "sig.der", in: directory)
        let verify = ["dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig.der", "-sigopt"]
        #expect(try await T.openssl(verify + [Self.distid, "msg"], in: directory).status != 0)
        #expect(try await T.openssl(verify + ["distid:ALICE123@YAHOO.COM", "msg"], in: directory).status == 0)
    }

    @Test("keys written by the openssl tool load; ours load in the tool")
    func keyFiles() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // `openssl ecparam -name SM2 -genkey` (PKCS#8 in OpenSSL 3.0) ...
        let ecparam = try await T.openssl(["ecparam", "-name", "SM2", "-genkey", "-noout", "-out", "ec.pem"], in: directory)
        #expect(ecparam.status == 0, "\(ecparam.stderr)")
        let pkcs8 = try SM2PrivateKey(
            pemRepresentation: String(decoding: try T.read("ec.pem", in: directory), as: UTF8.self))
        // ... and the same key in the traditional RFC 5915 "EC PRIVATE KEY" form older tools write.
        let traditionalDER = try await T.openssl(["pkey", "-in", "ec.pem", "-outform", "DER"], in: directory)
        #expect(traditionalDER.status == 0, "\(traditionalDER.stderr)")
        let base64 = Data(traditionalDER.stdout).base64EncodedString(options: [
            .lineLength64Characters, .endLineWithLineFeed,
        ])
        let key = try SM2PrivateKey(
            pemRepresentation: "-----BEGIN EC PRIVATE KEY-----\n\(base64)\n-----END EC PRIVATE KEY-----\n")
        #expect(key.publicKey == pkcs8.publicKey)

        // Its public key, as the tool derives it, equals ours.
        let pubout = try await T.openssl(["pkey", "-in", "ec.pem", "-pubout"], in: directory)
        #expect(try SM2PublicKey(pemRepresentation: pubout.stdoutText) == key.publicKey)
        #expect(try pubout.stdoutText == key.publicKey.pemRepresentation)

        // Our PKCS#8 loads in the tool and gives the same public key.
        try T.write(Array(try key.pemRepresentation.utf8), to: "ours.pem", in: directory)
        let reread = try await T.openssl(["pkey", "-in", "ours.pem", "-pubout", "-outform", "DER"], in: directory)
        #expect(reread.status == 0, "\(reread.stderr)")
        #expect(try reread.stdout == key.publicKey.derRepresentation)
    }

    @Test("an encrypted private key is refused without prompting for a passphrase")
    func encryptedKey() async throws {
        let directory = try T.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try await T.openssl(
            ["genpkey", "-algorithm", "SM2", "-aes-128-cbc", "-pass", "pass:secret", "-out", "enc.pem"], in: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        let pem = String(decoding: try T.read("enc.pem", in: directory), as: UTF8.self)
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        #expect(throws: HealthCardError.malformed("")) { try SM2PrivateKey(pemRepresentation: pem) }
    }
}
