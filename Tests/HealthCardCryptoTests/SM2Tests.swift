import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthCardTestSupport


@Suite("Crypto: SM2 keys and signatures")
struct CryptoSM2Tests {
    typealias T = CryptoTestSupport

    static let message = Array("居民健康卡 EE01 record".utf8)

    /// GB/T 32918.5-2017 Annex A (also GM/T 0003.5-2012): the signature example on the SM2
    /// recommended curve, ID "1234567812345678" — the GB/T 32918.5 known answer.
    enum AnnexA {
        static let x = "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
        static let y = "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13"
        static let message = Array("message digest".utf8)
        static let r = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
        static let s = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"
    }

    @Test("the GB/T 32918.5 Annex A signature verifies, and only with the default ID")
    func knownAnswer() throws {
        let key = try SM2PublicKey(rawRepresentation: T.bytes(hex: AnnexA.x + AnnexA.y))
        let signature = try SM2Signature(rawRepresentation: T.bytes(hex: AnnexA.r + AnnexA.s))
        #expect(try key.isValidSignature(signature, for: AnnexA.message))
        #expect(try key.isValidSignature(signature, for: AnnexA.message, distinguishingID: .default))
        #expect(
            try !key.isValidSignature(
                signature, for: AnnexA.message, distinguishingID: SM2DistinguishingID("ALICE123@YAHOO.COM")))
        #expect(try !key.isValidSignature(signature, for: Array("message digesT".utf8)))
        let verifier = SM2Verifier(publicKey: key)
        #expect(try verifier.isValidSignature(signature.rawRepresentation, for: AnnexA.message))
        // DER is not the wire form.
        #expect(try !verifier.isValidSignature(signature.derRepresentation, for: AnnexA.message))
    }

    @Test("generate, sign, verify; tampering with message or signature fails")
    func signVerify() throws {
        let key = try SM2PrivateKey()
        let signature = try key.signature(for: Self.message)
        #expect(signature.rawRepresentation.count == 64)
        #expect(try key.publicKey.isValidSignature(signature, for: Self.message))

        for index in [0, 7, Self.message.count - 1] {
            var tampered = Self.message
            tampered[index] ^= 0x01
            #expect(try !key.publicKey.isValidSignature(signature, for: tampered), "message byte \(index)")
        }
        #expect(try !key.publicKey.isValidSignature(signature, for: Self.message + [0]))
        #expect(try !key.publicKey.isValidSignature(signature, for: Array(Self.message.dropLast())))

        for index in [0, 31, 32, 63] {
            var raw = signature.rawRepresentation
            raw[index] ^= 0x80
            #expect(
                try !key.publicKey.isValidSignature(SM2Signature(rawRepresentation: raw), for: Self.message),
                "signature byte \(index)")
        }
        // r = 0 and r, s = all ones (>= n) are out of range: false, not an error.
        let zero = try SM2Signature(rawRepresentation: [UInt8](repeating: 0, count: 64))
        let ones = try SM2Signature(rawRepresentation: [UInt8](repeating: 0xff, count: 64))
        #expect(try !key.publicKey.isValidSignature(zero, for: Self.message))
        #expect(try !key.publicKey.isValidSignature(ones, for: Self.message))
        // ...and the key still works afterwards (no error left behind in OpenSSL's queue).
        #expect(try key.publicKey.isValidSignature(key.signature(for: Self.message), for: Self.message))
    }

    @Test("signatures are randomized and the empty message can be signed")
    func randomizedAndEmpty() throws {
        let key = try SM2PrivateKey()
        let first = try key.signature(for: Self.message)
        let second = try key.signature(for: Self.message)
        #expect(first != second)
        #expect(try key.publicKey.isValidSignature(second, for: Self.message))
        let empty = try key.signature(for: [])
        #expect(try key.publicKey.isValidSignature(empty, for: []))
        #expect(try !key.publicKey.isValidSignature(empty, for: [0]))
    }

    @Test("a different key does not verify")
    func otherKey() throws {
        let key = try SM2PrivateKey()
        let other = try SM2PrivateKey()
        #expect(key.publicKey != other.publicKey)
        let signature = try key.signature(for: Self.message)
        #expect(try !other.publicKey.isValidSignature(signature, for: Self.message))
    }

    @Test("the distinguishing ID is part of the signature")
    func distinguishingID() throws {
        let key = try SM2PrivateKey()
        let alice = try SM2DistinguishingID("ALICE123@YAHOO.COM")
        let signature = try key.signature(for: Self.message, distinguishingID: alice)
        #expect(try key.publicKey.isValidSignature(signature, for: Self.message, distinguishingID: alice))
        #expect(try !key.publicKey.isValidSignature(signature, for: Self.message))
        let standard = try key.signature(for: Self.message)
        #expect(try !key.publicKey.isValidSignature(standard, for: Self.message, distinguishingID: alice))

        #expect(SM2DistinguishingID.default.bytes == Array("1234567812345678".utf8))
        #expect(try SM2DistinguishingID("1234567812345678") == .default)
        #expect(throws: HealthCardError.invalidValue("")) { try SM2DistinguishingID("") }
        #expect(throws: HealthCardError.invalidValue("")) {
            try SM2DistinguishingID([UInt8](repeating: 0x41, count: 8191))
        }
        #expect(try SM2DistinguishingID([UInt8](repeating: 0x41, count: 8190)).bytes.count == 8190)
    }

    @Test("PayloadSigner and PayloadVerifier carry the 64-byte form")
    func payloadProtocols() async throws {
        let key = try SM2PrivateKey()
        let signer: any PayloadSigner = SM2Signer(privateKey: key)
        let verifier: any PayloadVerifier = SM2Verifier(publicKey: key.publicKey)
        let signature = try await signer.signature(for: Self.message)
        #expect(signature.count == 64)
        #expect(try verifier.isValidSignature(signature, for: Self.message))
        #expect(try verifier.isValidSignature(signature, for: (Self.message + [1, 2])[0..<Self.message.count]))
        #expect(try !verifier.isValidSignature(Array(signature.dropLast()), for: Self.message))
        #expect(try !verifier.isValidSignature([], for: Self.message))

        let alice = try SM2DistinguishingID("ALICE123@YAHOO.COM")
        let aliceSigner = SM2Signer(privateKey: key, distinguishingID: alice)
        let aliceSignature = try aliceSigner.signature(for: Self.message)  // synchronous on the concrete type
        #expect(try aliceSigner.verifier.isValidSignature(aliceSignature, for: Self.message))
        #expect(try !verifier.isValidSignature(aliceSignature, for: Self.message))
    }

    @Test("one key signs from many tasks at once")
    func concurrentSigning() async throws {
        let key = try SM2PrivateKey()
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let message = Self.message + [UInt8(index)]
                    let signature = try key.signature(for: message)
                    return try key.publicKey.isValidSignature(signature, for: message)
                        && !key.publicKey.isValidSignature(signature, for: Self.message)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0 })
    }

    @Test("private key PEM round trip (PKCS#8)")
    func privatePEM() throws {
        let key = try SM2PrivateKey()
        let pem = try key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pem.hasSuffix("-----END PRIVATE KEY-----\n"))
        let loaded = try SM2PrivateKey(pemRepresentation: pem)
        #expect(loaded.publicKey == key.publicKey)
        #expect(try loaded.pemRepresentation == pem)
        #expect(try key.publicKey.isValidSignature(loaded.signature(for: Self.message), for: Self.message))
    }

    @Test("public key PEM, DER and point round trips")
    func publicEncodings() throws {
        let key = try SM2PrivateKey().publicKey
        let pem = try key.pemRepresentation
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(try SM2PublicKey(pemRepresentation: pem) == key)

        let point = try key.x963Representation
        #expect(point.count == 65)
        #expect(point.first == 0x04)
        #expect(try key.rawRepresentation == Array(point.dropFirst()))
        let der = try key.derRepresentation
        #expect(der.count == 91)
        #expect(der == SM2PublicKey.spkiPrefix + point)
        #expect(try SM2PublicKey(derRepresentation: der) == key)
        #expect(try SM2PublicKey(x963Representation: point) == key)
        #expect(try SM2PublicKey(rawRepresentation: Array(point.dropFirst())) == key)
        #expect(try SM2PublicKey(x963Representation: point).x963Representation == point)
    }

    @Test("rejects bad public keys")
    func badPublicKeys() throws {
        let point = T.bytes(hex: "04" + AnnexA.x + AnnexA.y)
        var offCurve = point
        offCurve[64] ^= 0x01
        #expect(throws: HealthCardError.malformed("")) { try SM2PublicKey(x963Representation: offCurve) }
        #expect(throws: HealthCardError.invalidValue("")) {
            try SM2PublicKey(x963Representation: Array(point.dropLast()))
        }
        var compressedTag = point
        compressedTag[0] = 0x02
        #expect(throws: HealthCardError.invalidValue("")) { try SM2PublicKey(x963Representation: compressedTag) }
        #expect(throws: HealthCardError.invalidValue("")) {
            try SM2PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 65))
        }
        #expect(throws: HealthCardError.malformed("")) {
            try SM2PublicKey(derRepresentation: SM2PublicKey.spkiPrefix + point + [0])
        }
        #expect(throws: HealthCardError.malformed("")) { try SM2PublicKey(derRepresentation: Array(point)) }
        #expect(throws: HealthCardError.malformed("")) { try SM2PublicKey(pemRepresentation: "not a key") }
    }

    @Test("rejects PEM that is not an SM2 private key")
    func badPrivatePEM() throws {
        #expect(throws: HealthCardError.malformed("")) { try SM2PrivateKey(pemRepresentation: "") }
        let publicPEM = try SM2PrivateKey().publicKey.pemRepresentation
        #expect(throws: HealthCardError.malformed("")) { try SM2PrivateKey(pemRepresentation: publicPEM) }
        #expect(throws: HealthCardError.invalidValue("")) {
            try SM2PrivateKey(pemRepresentation: Self.p256PrivateKeyPEM)
        }
        #expect(throws: HealthCardError.invalidValue("")) { try SM2PublicKey(pemRepresentation: Self.p256PublicKeyPEM) }
    }

    /// A NIST P-256 key (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`), test only.
    static let p256PrivateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgH0ZN2HplvobWb2+3
        /lE5SzSAd11QE6GFfjRZuJnCBbehRANCAARxHJkwl8n/PmDund6741kAboiOYFAD
        VHUOafuMePH/Qxv40UiV7v8RkL3CPRxtYoNp8mCVikWBfEKLzoJIEX8L
        -----END PRIVATE KEY-----
        """
    static let p256PublicKeyPEM = """
        -----BEGIN PUBLIC KEY-----
        MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcRyZMJfJ/z5g7p3eu+NZAG6IjmBQ
        A1R1Dmn7jHjx/0Mb+NFIle7/EZC9wj0cbWKDafJglYpFgXxCi86CSBF/Cw==
        -----END PUBLIC KEY-----
        """
}

@Suite("Crypto: SM2 signing with Z computed once (SM2SigningContext)")
struct CryptoSM2SigningContextTests {
    static let message = Array("HCK1 signed body".utf8)

    @Test("Z of the GB/T 32918.5 Annex A key with the default ID is the published Z_A")
    func annexAZ() throws {
        let point = CryptoTestSupport.bytes(hex: "04" + CryptoSM2Tests.AnnexA.x + CryptoSM2Tests.AnnexA.y)
        #expect(
            Hex.encode(SM2KeptContexts.z(point: point, distinguishingID: .default))
                == "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3")
    }

    @Test("a kept signer's signatures verify through OpenSSL's own Z, with its ID only, for any message length")
    func keptSignerAgainstOpenSSL() throws {
        let key = try SM2PrivateKey()
        let alice = try SM2DistinguishingID("ALICE123@YAHOO.COM")
        // 8190 bytes: the longest ID OpenSSL 3.0 hashes into Z (it refuses id_len >= 8191), so
        // the longest its verifier can check.
        let long = try SM2DistinguishingID([UInt8](repeating: 0x41, count: 8190))
        for id in [SM2DistinguishingID.default, alice, long] {
            let signer = SM2Signer(privateKey: key, distinguishingID: id)
            for length in [0, 1, 31, 32, 55, 56, 64, 65, 200, 4096] {
                let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ length) }
                let raw = try signer.signature(for: message)
                let signature = try SM2Signature(rawRepresentation: raw)
                // EVP_DigestVerify with the ID: OpenSSL computes Z itself.
                #expect(try key.publicKey.isValidSignature(signature, for: message, distinguishingID: id))
                #expect(try !key.publicKey.isValidSignature(signature, for: message + [0], distinguishingID: id))
                let other = id == .default ? alice : .default
                #expect(try !key.publicKey.isValidSignature(signature, for: message, distinguishingID: other))
            }
        }
    }

    @Test("one kept signer signs from many tasks at once, every signature different and valid")
    func keptSignerConcurrently() async throws {
        let key = try SM2PrivateKey()
        let signer = SM2Signer(privateKey: key)
        let signatures = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for index in 0..<64 {
                group.addTask { (index, try signer.signature(for: Self.message + [UInt8(index)])) }
            }
            return try await group.reduce(into: [(Int, [UInt8])]()) { $0.append($1) }
        }
        #expect(signatures.count == 64)
        #expect(Set(signatures.map(\.1)).count == 64)
        for (index, signature) in signatures {
            #expect(try signer.verifier.isValidSignature(signature, for: Self.message + [UInt8(index)]))
        }
    }
}

@Suite("Crypto: SM2 verification with Z and OpenSSL's contexts kept (SM2VerifyingContext)")
struct CryptoSM2VerifyingContextTests {
    static let message = Array("HCK1 signed body".utf8)

    /// Every way a signature can fail, each paired with the message it is checked against.
    static func refusals(of signature: SM2Signature, for message: [UInt8]) throws -> [(SM2Signature, [UInt8])] {
        var cases: [(SM2Signature, [UInt8])] = [(signature, message + [0]), (signature, Array(message.dropLast()))]
        for index in [0, 31, 32, 63] {
            var raw = signature.rawRepresentation
            raw[index] ^= 0x80
            cases.append((try SM2Signature(rawRepresentation: raw), message))
        }
        // r = 0, and r, s = all ones (>= n): out of range.
        cases.append((try SM2Signature(rawRepresentation: [UInt8](repeating: 0, count: 64)), message))
        cases.append((try SM2Signature(rawRepresentation: [UInt8](repeating: 0xff, count: 64)), message))
        return cases
    }

    @Test("a kept verifier accepts what it accepted before and refuses every tampering, on the same reused context")
    func keptVerifierReused() throws {
        let key = try SM2PrivateKey()
        let verifier = SM2Verifier(publicKey: key.publicKey)
        let context = try #require(verifier.context)
        let signature = try key.signature(for: Self.message)
        #expect(try verifier.isValidSignature(signature.rawRepresentation, for: Self.message))
        #expect(context.idleCount == 1)
        for (index, (tampered, message)) in try Self.refusals(of: signature, for: Self.message).enumerated() {
            #expect(try !verifier.isValidSignature(tampered.rawRepresentation, for: message), "refusal \(index)")
            // The one context is reused after a refusal, and still accepts the genuine signature.
            #expect(context.idleCount == 1)
            #expect(try verifier.isValidSignature(signature.rawRepresentation, for: Self.message), "after refusal \(index)")
        }
        #expect(context.idleCount == 1)
        // Another key's signature and another ID's are refused by the kept context too.
        let other = try SM2PrivateKey().signature(for: Self.message)
        #expect(try !verifier.isValidSignature(other.rawRepresentation, for: Self.message))
        let alice = try key.signature(for: Self.message, distinguishingID: SM2DistinguishingID("ALICE123@YAHOO.COM"))
        #expect(try !verifier.isValidSignature(alice.rawRepresentation, for: Self.message))
        #expect(try verifier.isValidSignature(signature.rawRepresentation, for: Self.message))
        #expect(context.idleCount == 1)
    }

    @Test("the GB/T 32918.5 Annex A signature verifies on a kept context, for any ID only its own")
    func annexAKept() throws {
        typealias A = CryptoSM2Tests.AnnexA
        let key = try SM2PublicKey(rawRepresentation: CryptoTestSupport.bytes(hex: A.x + A.y))
        let signature = CryptoTestSupport.bytes(hex: A.r + A.s)
        let verifier = SM2Verifier(publicKey: key)
        for _ in 0..<3 {
            #expect(try verifier.isValidSignature(signature, for: A.message))
            #expect(try !verifier.isValidSignature(signature, for: Array("message digesT".utf8)))
        }
        let alice = SM2Verifier(publicKey: key, distinguishingID: try SM2DistinguishingID("ALICE123@YAHOO.COM"))
        #expect(try !alice.isValidSignature(signature, for: A.message))
    }

    @Test("kept verifier and one-off verification agree for every ID and message length")
    func keptAgreesWithOneOff() throws {
        let key = try SM2PrivateKey()
        let alice = try SM2DistinguishingID("ALICE123@YAHOO.COM")
        let long = try SM2DistinguishingID([UInt8](repeating: 0x41, count: 8190))
        for id in [SM2DistinguishingID.default, alice, long] {
            let verifier = SM2Verifier(publicKey: key.publicKey, distinguishingID: id)
            for length in [0, 1, 31, 32, 55, 56, 64, 65, 200, 4096] {
                let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ length) }
                let signature = try key.signature(for: message, distinguishingID: id)
                #expect(try verifier.isValidSignature(signature.rawRepresentation, for: message))
                #expect(try key.publicKey.isValidSignature(signature, for: message, distinguishingID: id))
                // (The empty message has no last byte to drop: that case is the genuine pair.)
                for (tampered, tamperedMessage) in try Self.refusals(of: signature, for: message)
                where tampered != signature || tamperedMessage != message {
                    #expect(try !verifier.isValidSignature(tampered.rawRepresentation, for: tamperedMessage))
                }
                let other = id == .default ? alice : .default
                #expect(try !SM2Verifier(publicKey: key.publicKey, distinguishingID: other)
                    .isValidSignature(signature.rawRepresentation, for: message))
            }
        }
    }

    @Test("one kept verifier checks from many tasks at once, each verdict its own")
    func keptVerifierConcurrently() async throws {
        let key = try SM2PrivateKey()
        let verifier = SM2Verifier(publicKey: key.publicKey)
        let signatures = try (0..<64).map { try key.signature(for: Self.message + [UInt8($0)]).rawRepresentation }
        let verdicts = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<64 {
                group.addTask {
                    // Odd tasks present their neighbour's signature: refused.
                    let signature = signatures[index % 2 == 0 ? index : index - 1]
                    return (index, try verifier.isValidSignature(signature, for: Self.message + [UInt8(index)]))
                }
            }
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        #expect(verdicts.count == 64)
        for (index, valid) in verdicts { #expect(valid == (index % 2 == 0), "task \(index)") }
        let idle = try #require(verifier.context).idleCount
        #expect(idle >= 1 && idle <= 64)
    }
}
