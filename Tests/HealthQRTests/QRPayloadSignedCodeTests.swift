import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation
@testable import HealthCardTestSupport
@testable import HealthQR


@Suite("QRPayload: signed code format")
struct QRPayloadFormatTests {
    typealias F = QRPayloadFixture

    @Test("the body layout of a dynamic code with a 64-hex card id, byte by byte")
    func layout() throws {
        let keyID = try KeyID(hex: "0011223344556677")
        let code = try SignedCode(
            kind: .dynamic(window: .seconds(300)), keyID: keyID, cardID: F.tencentID,
            issuedAtSeconds: 0x6A00_0000, nonce: SignedCode.Nonce(rawValue: 0x0102_0304_0506_0708))
        let body = SignedCodeFormat.body(of: code)
        let expected: [UInt8] =
            [0x01, 0x00] + keyID.bytes + [0x80 | 32] + (try Hex.decode(F.tencentID))
            + [0x6A, 0x00, 0x00, 0x00] + [0x01, 0x2C] + [1, 2, 3, 4, 5, 6, 7, 8]
        #expect(body == expected)
        #expect(body.count == 57)
        #expect(SignedCodeFormat.signedBytes(body: body) == Array("HCK-QR1".utf8) + body)
    }

    @Test("a static code has no window; a non-hex card id is ASCII with its length")
    func staticLayout() throws {
        let keyID = try KeyID(hex: "0011223344556677")
        let code = try SignedCode(
            kind: .static, keyID: keyID, cardID: "26b5A1", issuedAtSeconds: 1, nonce: SignedCode.Nonce(rawValue: 9))
        let body = SignedCodeFormat.body(of: code)
        #expect(
            body == [0x01, 0x01] + keyID.bytes + [6] + Array("26b5A1".utf8) + [0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 9])
        #expect(code.expiresAt == nil && code.windowSeconds == nil)
    }

    @Test("text lengths: 187/184 characters for a 64-hex id, 235/232 for 64 other characters (Docs/qr-payload.md)")
    func sizes() async throws {
        let fixture = try F()
        let ascii = String(repeating: "Zz", count: 32)
        let cases: [(String, SignedCode.Kind, Int)] = [
            (F.tencentID, .dynamic(window: .seconds(300)), 187), (F.tencentID, .static, 184),
            (ascii, .dynamic(window: .seconds(300)), 235), (ascii, .static, 232),
            ("26B5A1FE56681", .dynamic(window: .seconds(300)), 158),
        ]
        for (cardID, kind, length) in cases {
            let text = try await fixture.issue(cardID, kind)
            #expect(text.count == length, "\(cardID) \(kind)")
            let isDynamic = kind != .static
            #expect(SignedCodeFormat.textLength(cardID: cardID, dynamic: isDynamic) == length)
            // Everything is in the QR alphanumeric character set.
            let qrAlphanumeric = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
            #expect(text.allSatisfy { qrAlphanumeric.contains($0) })
            #expect(text.hasPrefix("HCK1-"))
        }
    }

    @Test("decode(issue(x)) gives back the fields, and re-encoding the fields gives the same body")
    func decodeRoundTrip() async throws {
        let fixture = try F()
        for kind in [SignedCode.Kind.static, .dynamic(window: .seconds(1)), .dynamic(window: .seconds(65535))] {
            let text = try await fixture.issue("Card42", kind, nonce: 77)
            let decoded = try SignedCodeFormat.decode(text)
            #expect(decoded.code.cardID == "Card42")
            #expect(decoded.code.kind == kind)
            #expect(decoded.code.keyID == fixture.keyID)
            #expect(decoded.code.issuedAt == F.now)
            #expect(decoded.code.nonce.rawValue == 77)
            #expect(SignedCodeFormat.body(of: decoded.code) == decoded.body)
            #expect(decoded.signature.count == 64)
            #expect(SignedCodeFormat.text(body: decoded.body, signature: decoded.signature) == text)
        }
    }

    @Test("key id: first 8 bytes of SM3 over the 65-byte point; hex in either case")
    func keyID() throws {
        let key = try SM2PrivateKey()
        let point = try key.publicKey.x963Representation
        #expect(try KeyID(publicKey: key.publicKey).bytes == Array(SM3.hash(point).prefix(8)))
        let id = try KeyID(hex: "00112233AABBCCDD")
        #expect(try KeyID(hex: "00112233aabbccdd") == id)
        #expect(id.hex == "00112233AABBCCDD")
        #expect(throws: HealthCardError.invalidValue("")) { try KeyID(hex: "00112233AABBCC") }
        #expect(throws: HealthCardError.invalidValue("")) { try KeyID(hex: "00112233 AABBCCDD") }
        #expect(throws: HealthCardError.invalidEncoding("")) { try KeyID(hex: "00112233AABBCCDG") }
    }

    @Test("issuing checks its inputs: card id grammar, window range, signer output")
    func issueValidation() async throws {
        let fixture = try F()
        await #expect(throws: PayloadSyntaxError.self) { try await fixture.issue("AB-CD") }
        await #expect(throws: PayloadSyntaxError.self) { try await fixture.issue(String(repeating: "A", count: 65)) }
        for window: Duration in [.zero, .seconds(65536), .milliseconds(1500), .seconds(-5)] {
            await #expect(throws: HealthCardError.invalidValue("")) {
                try await fixture.issue("ABC", .dynamic(window: window))
            }
        }
        await #expect(throws: HealthCardError.invalidValue("")) {
            try await fixture.issue("ABC", .static, at: Date(timeIntervalSince1970: -1))
        }

        struct ShortSigner: PayloadSigner {
            func signature(for payload: [UInt8]) async throws -> [UInt8] { [1, 2, 3] }
        }
        let broken = SignedCodeIssuer(signer: ShortSigner(), keyID: fixture.keyID)
        await #expect(throws: HealthCardError.invalidValue("")) { try await broken.issue(cardID: "ABC", kind: .static) }
    }

    @Test(
        "the signature is standard: `openssl dgst -sm3` verifies it with distid 1234567812345678, and only with it",
        .enabled(if: CryptoTestSupport.hasOpenSSL))
    func opensslCrossCheck() async throws {
        let fixture = try F()
        let decoded = try SignedCodeFormat.decode(try await fixture.issue())
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try CryptoTestSupport.write(decoded.signedBytes, to: "signed.bin", in: directory)
        try CryptoTestSupport.write(
            try SM2Signature(rawRepresentation: decoded.signature).derRepresentation, to: "sig.der", in: directory)
        try CryptoTestSupport.write(
            Array(try fixture.key.publicKey.pemRepresentation.utf8), to: "pub.pem", in: directory)
        let verify = ["dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig.der"]
        let ok = try await CryptoTestSupport.openssl(
            verify + ["-sigopt", "distid:1234567812345678", "signed.bin"], in: directory)
        #expect(ok.status == 0, "\(ok.stderr)")
        let noID = try await CryptoTestSupport.openssl(verify + ["signed.bin"], in: directory)
        #expect(noID.status != 0)
        // The body alone (without "HCK-QR1") is not what was signed.
        try CryptoTestSupport.write(decoded.body, to: "body.bin", in: directory)
        let bodyOnly = try await CryptoTestSupport.openssl(
            verify + ["-sigopt", "distid:1234567812345678", "body.bin"], in: directory)
        #expect(bodyOnly.status != 0)
    }
}

@Suite("QRPayload: verification verdicts")
struct QRPayloadVerifyTests {
    typealias F = QRPayloadFixture

    @Test("round trip: a static and a dynamic code verify, with the decoded fields and issuer")
    func roundTrip() async throws {
        let fixture = try F()
        for kind in [SignedCode.Kind.static, .dynamic(window: SignedCode.defaultDynamicWindow)] {
            let text = try await fixture.issuer.issue(cardID: F.tencentID, kind: kind, now: F.now)
            let verdict = fixture.verifier().verify(text, now: F.now)
            guard case .valid(let decoded) = verdict else {
                Issue.record("expected valid, got \(verdict)")
                continue
            }
            #expect(decoded.code.cardID == F.tencentID)
            #expect(decoded.code.kind == kind)
            #expect(decoded.code.keyID == fixture.keyID)
            #expect(decoded.code.issuedAt == F.now)
            #expect(decoded.issuer == "Test Health Commission")
            if case .dynamic = kind {
                #expect(decoded.code.expiresAt == F.now.addingTimeInterval(300))
            }
            #expect(verdict.isValid && verdict.reasonCode == "valid")
        }
    }

    @Test("issued nonces are random")
    func randomNonces() async throws {
        let fixture = try F()
        let first = try await fixture.issuer.issue(cardID: "ABC", kind: .static, now: F.now)
        let second = try await fixture.issuer.issue(cardID: "ABC", kind: .static, now: F.now)
        #expect(try SignedCodeFormat.decode(first).code.nonce != SignedCodeFormat.decode(second).code.nonce)
    }

    // MARK: Tampering

    @Test("a changed character in the signature → badSignature; a non-base45 character → malformed at its offset")
    func tamperedCharacter() async throws {
        let fixture = try F()
        let text = try await fixture.issue()
        var characters = Array(text)
        // The last full base45 group lies inside the signature. Lowering its first (least
        // significant) digit by one, or raising a 0 to 1, changes the group's value by exactly 1,
        // which stays in 0...65535, so the text still decodes and only the signature is wrong.
        let index = text.count - 5
        let digit = Base45.alphabet.firstIndex(of: characters[index]) ?? 0
        characters[index] = Base45.alphabet[digit == 0 ? 1 : digit - 1]
        #expect(fixture.verifier().verify(String(characters), now: F.now) == .badSignature)

        var lower = Array(text)
        lower[40] = "a"
        #expect(
            fixture.verifier().verify(String(lower), now: F.now)
                == .malformed(
                    reason: "offset 40: 'a' is not a base45 character (0-9, A-Z, space, $%*+-./:)", offset: 40))
    }

    @Test("a changed card-id byte → badSignature; a changed key-id byte → unknownKeyID")
    func tamperedFields() async throws {
        let fixture = try F()
        let text = try await fixture.issue("ABCDEFG", .static)
        let otherCard = try F.rewriting(text) { $0[11] = UInt8(ascii: "X") }
        #expect(try SignedCodeFormat.decode(otherCard).code.cardID == "XBCDEFG")
        #expect(fixture.verifier().verify(otherCard, now: F.now) == .badSignature)

        let otherKey = try F.rewriting(text) { $0[2] ^= 0x01 }
        var flipped = fixture.keyID.bytes
        flipped[0] ^= 0x01
        #expect(fixture.verifier().verify(otherKey, now: F.now) == .unknownKeyID(try KeyID(bytes: flipped)))

        let otherTime = try F.rewriting(text) { $0[18] &+= 1 }
        #expect(fixture.verifier().verify(otherTime, now: F.now) == .badSignature)
    }

    @Test("every single-character change of a code is rejected, never accepted, never a trap")
    func everyPosition() async throws {
        let fixture = try F()
        let text = try await fixture.issue()
        let characters = Array(text)
        let verifier = fixture.verifier()
        for index in characters.indices {
            for replacement in ["0", "Z", ":", "a"] as [Character] where characters[index] != replacement {
                var changed = characters
                changed[index] = replacement
                let verdict = verifier.verify(String(changed), now: F.now)
                switch verdict {
                case .malformed, .badSignature, .unknownKeyID: break
                default: Issue.record("position \(index) → '\(replacement)': unexpected \(verdict)")
                }
            }
        }
    }

    // MARK: Keys

    @Test("signed by a key that is not in the trust list → unknownKeyID")
    func unknownKey() async throws {
        let fixture = try F()
        let stranger = try SignedCodeIssuer(privateKey: SM2PrivateKey())
        let text = try await stranger.issue(cardID: "ABC", kind: .static, now: F.now)
        #expect(fixture.verifier().verify(text, now: F.now) == .unknownKeyID(stranger.keyID))
        #expect(CodeVerifier(trustList: TrustList()).verify(text, now: F.now) == .unknownKeyID(stranger.keyID))
    }

    @Test("a trust-list entry with another public key under the same key id → badSignature")
    func wrongKeyUnderSameID() async throws {
        let fixture = try F()
        let other = try SM2PrivateKey()
        let trust = try TrustList(entries: [
            TrustList.Entry(
                keyID: fixture.keyID, publicKey: other.publicKey, issuer: "Impostor", validFrom: F.validFrom,
                validTo: F.validTo)
        ])
        let text = try await fixture.issue()
        #expect(CodeVerifier(trustList: trust).verify(text, now: F.now) == .badSignature)
    }

    @Test("a signer with another distinguishing ID → badSignature (the ID is part of the signature)")
    func otherDistinguishingID() async throws {
        let fixture = try F()
        let signer = SM2Signer(privateKey: fixture.key, distinguishingID: try SM2DistinguishingID("ALICE123@YAHOO.COM"))
        let issuer = SignedCodeIssuer(signer: signer, keyID: fixture.keyID)
        let text = try await issuer.issue(cardID: "ABC", kind: .static, now: F.now)
        #expect(fixture.verifier().verify(text, now: F.now) == .badSignature)
    }

    @Test("the key's validity period: now before it or after it → keyNotValidAt(now); bounds included")
    func keyValidity() async throws {
        let fixture = try F()
        let text = try await fixture.issue(at: F.validFrom)
        let before = F.validFrom.addingTimeInterval(-1)
        #expect(
            fixture.verifier().verify(text, now: before)
                == .keyNotValidAt(fixture.keyID, date: before, validFrom: F.validFrom, validTo: F.validTo))
        #expect(fixture.verifier().verify(text, now: F.validFrom).isValid)

        let late = try await fixture.issue(.static, at: F.validTo)
        #expect(fixture.verifier().verify(late, now: F.validTo).isValid)
        let after = F.validTo.addingTimeInterval(1)
        #expect(
            fixture.verifier().verify(late, now: after)
                == .keyNotValidAt(fixture.keyID, date: after, validFrom: F.validFrom, validTo: F.validTo))
    }

    @Test("a code whose signed issue time lies before the key's period (beyond the skew) → keyNotValidAt(issued)")
    func issuedOutsideKeyPeriod() async throws {
        let fixture = try F()
        let backdated = F.validFrom.addingTimeInterval(-31)
        let text = try await fixture.issue(.static, at: backdated)
        #expect(
            fixture.verifier().verify(text, now: F.now)
                == .keyNotValidAt(fixture.keyID, date: backdated, validFrom: F.validFrom, validTo: F.validTo))
        let withinSkew = try await fixture.issue(.static, at: F.validFrom.addingTimeInterval(-30))
        #expect(fixture.verifier().verify(withinSkew, now: F.now).isValid)
    }

    // MARK: Revocation

    @Test("revoked card → revokedCard; revoked key → revokedKey; both → revokedKey")
    func revocation() async throws {
        let fixture = try F()
        let text = try await fixture.issue()
        let cards = try RevocationList(cardIDs: [F.tencentID])
        #expect(fixture.verifier(revocations: cards).verify(text, now: F.now) == .revokedCard(F.tencentID))
        let keys = try RevocationList(keyIDs: [fixture.keyID])
        #expect(fixture.verifier(revocations: keys).verify(text, now: F.now) == .revokedKey(fixture.keyID))
        let both = try RevocationList(cardIDs: [F.tencentID], keyIDs: [fixture.keyID])
        #expect(fixture.verifier(revocations: both).verify(text, now: F.now) == .revokedKey(fixture.keyID))
        // Card ids compare exactly.
        let lower = try RevocationList(cardIDs: [F.tencentID.lowercased()])
        #expect(fixture.verifier(revocations: lower).verify(text, now: F.now).isValid)
    }

    // MARK: Time

    @Test("dynamic expiry with 30 s skew: valid at issued + 300 + 30, expired one second later")
    func expiry() async throws {
        let fixture = try F()
        let text = try await fixture.issue()
        let verifier = fixture.verifier()
        let expiry = F.now.addingTimeInterval(300)
        #expect(verifier.verify(text, now: F.now.addingTimeInterval(330)).isValid)
        #expect(verifier.verify(text, now: F.now.addingTimeInterval(330.9)).isValid)
        let late = F.now.addingTimeInterval(331)
        #expect(verifier.verify(text, now: late) == .expired(expiry: expiry, now: late))
        // Without skew the window itself is the limit.
        let strict = fixture.verifier(skew: .zero)
        #expect(strict.verify(text, now: expiry).isValid)
        #expect(strict.verify(text, now: expiry.addingTimeInterval(1)) == .expired(expiry: expiry, now: expiry + 1))
        // A static code does not expire.
        let fixed = try await fixture.issue(.static)
        #expect(verifier.verify(fixed, now: F.validTo).isValid)
    }

    @Test("issued in the future: valid up to skew ahead, notYetValid one second beyond")
    func notYetValid() async throws {
        let fixture = try F()
        let verifier = fixture.verifier()
        let edge = try await fixture.issue(at: F.now.addingTimeInterval(30))
        #expect(verifier.verify(edge, now: F.now).isValid)
        let issued = F.now.addingTimeInterval(31)
        let beyond = try await fixture.issue(at: issued)
        #expect(verifier.verify(beyond, now: F.now) == .notYetValid(issued: issued, now: F.now))
        let fixed = try await fixture.issue(.static, at: issued)
        #expect(verifier.verify(fixed, now: F.now) == .notYetValid(issued: issued, now: F.now))
    }

    // MARK: Replay

    @Test("replay: a dynamic code is accepted once per cache; static codes and cache-less verifiers are not tracked")
    func replay() async throws {
        let fixture = try F()
        let cache = SeenNonceCache()
        let verifier = fixture.verifier(cache: cache)
        let text = try await fixture.issue(nonce: 42)
        #expect(verifier.verify(text, now: F.now).isValid)
        #expect(verifier.verify(text, now: F.now.addingTimeInterval(10)) == .replayed(SignedCode.Nonce(rawValue: 42)))
        #expect(cache.count == 1)
        let fresh = try await fixture.issue(nonce: 43)
        #expect(verifier.verify(fresh, now: F.now).isValid)

        let fixed = try await fixture.issue(.static, nonce: 44)
        #expect(verifier.verify(fixed, now: F.now).isValid)
        #expect(verifier.verify(fixed, now: F.now).isValid)

        let forgetful = fixture.verifier()
        #expect(forgetful.verify(text, now: F.now).isValid)
        #expect(forgetful.verify(text, now: F.now).isValid)
    }

    @Test("a rejected code is not recorded: an expired or forged code cannot fill the cache")
    func replayOnlyRecordsValid() async throws {
        let fixture = try F()
        let cache = SeenNonceCache()
        let verifier = fixture.verifier(cache: cache)
        let text = try await fixture.issue(nonce: 7)
        #expect(verifier.verify(text, now: F.now.addingTimeInterval(1000)) != .replayed(SignedCode.Nonce(rawValue: 7)))
        #expect(cache.count == 0)
        let revoked = fixture.verifier(revocations: try RevocationList(cardIDs: [F.tencentID]), cache: cache)
        #expect(revoked.verify(text, now: F.now) == .revokedCard(F.tencentID))
        #expect(cache.count == 0)
        #expect(verifier.verify(text, now: F.now).isValid)
    }

    // MARK: Order

    @Test("order: unauthenticated facts are never reported before the signature check")
    func order() async throws {
        let fixture = try F()
        let text = try await fixture.issue()
        let forged = try F.rewriting(text) { $0[$0.count - 1] ^= 0x01 }
        let revoked = try RevocationList(cardIDs: [F.tencentID], keyIDs: [fixture.keyID])
        // A forged code for a revoked card, read long after its window: still only "bad signature".
        #expect(
            fixture.verifier(revocations: revoked).verify(forged, now: F.now.addingTimeInterval(9999)) == .badSignature)
        // The key's period is checked against the verifier's clock, before the signature.
        let afterKey = F.validTo.addingTimeInterval(1)
        #expect(
            fixture.verifier().verify(forged, now: afterKey)
                == .keyNotValidAt(fixture.keyID, date: afterKey, validFrom: F.validFrom, validTo: F.validTo))
        // Revocation before time: an expired code of a revoked card is reported as revoked.
        #expect(
            fixture.verifier(revocations: try RevocationList(cardIDs: [F.tencentID]))
                .verify(text, now: F.now.addingTimeInterval(9999)) == .revokedCard(F.tencentID))
        // An unknown key with a garbage signature is an unknown key.
        let unknown = try F.rewriting(forged) { $0[2] ^= 0xFF }
        #expect(fixture.verifier().verify(unknown, now: F.now).reasonCode == "unknownKeyID")
    }

    // MARK: Malformed

    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let offset: Int
        let fragment: String
        let make: @Sendable (String) throws -> String
        var testDescription: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(name: "empty", offset: 0, fragment: "ends inside the prefix") { _ in "" },
        Malformed(name: "EU DCC prefix", offset: 2, fragment: "starts with 'HCK1-'") { _ in "HC1:NCFOXN%TS3DH" },
        Malformed(name: "plain e-health-card payload", offset: 0, fragment: "starts with 'HCK1-'") { _ in
            QRPayloadGrammarTests.staticSample
        },
        Malformed(name: "prefix only", offset: 5, fragment: "version needs 1 bytes") { _ in "HCK1-" },
        Malformed(name: "cut in the middle", offset: 65, fragment: "needs") { String($0.prefix(65)) },
        Malformed(name: "dangling character", offset: 188, fragment: "leaves one character over") { $0 + "00" },
        Malformed(name: "trailing newline", offset: 187, fragment: "'\n' is not a base45 character") { $0 + "\n" },
        Malformed(name: "version 2", offset: 5, fragment: "(byte 0): unsupported version 2") {
            try QRPayloadFixture.rewriting($0) { $0[0] = 2 }
        },
        Malformed(name: "kind 7", offset: 5, fragment: "(byte 1): kind must be 0 (dynamic) or 1 (static), got 7") {
            try QRPayloadFixture.rewriting($0) { $0[1] = 7 }
        },
        Malformed(name: "card id length 0", offset: 20, fragment: "(byte 10): card id length 0") {
            try QRPayloadFixture.rewriting($0) { $0[10] = 0 }
        },
        Malformed(name: "packed card id of 33 bytes", offset: 20, fragment: "outside 1...32 for the packed hex form") {
            try QRPayloadFixture.rewriting($0) { $0[10] = 0x80 | 33 }
        },
        Malformed(name: "window 0", offset: 74, fragment: "(byte 47): dynamic window is 0 seconds") {
            try QRPayloadFixture.rewriting($0) {
                $0[47] = 0
                $0[48] = 0
            }
        },
        Malformed(name: "signature short by one byte", offset: 185, fragment: "signature is 63 bytes") {
            try QRPayloadFixture.rewriting($0) { $0.removeLast() }
        },
        Malformed(name: "one byte after the signature", offset: 185, fragment: "1 bytes after the 64-byte signature") {
            try QRPayloadFixture.rewriting($0) { $0.append(0) }
        },
        Malformed(name: "static code claims dynamic", offset: 184, fragment: "signature is 62 bytes") {
            try QRPayloadFixture.rewriting($0) { $0[1] = 0 }
        },
        Malformed(name: "too long for any QR code", offset: 4296, fragment: "longer than any QR code") {
            $0 + String(repeating: "0", count: 5000)
        },
    ]

    @Test("malformed inputs name the offset", arguments: malformed)
    func malformedInput(_ vector: Malformed) async throws {
        let fixture = try F()
        let kind: SignedCode.Kind =
            vector.name == "static code claims dynamic" ? .static : .dynamic(window: .seconds(300))
        let text = try vector.make(try await fixture.issue(F.tencentID, kind))
        let verdict = fixture.verifier().verify(text, now: F.now)
        guard case .malformed(let reason, let offset) = verdict else {
            Issue.record("expected malformed, got \(verdict)")
            return
        }
        #expect(offset == vector.offset, "\(reason)")
        #expect(reason.contains(vector.fragment), "\(reason)")
    }

    @Test("card ids in the body: bad ASCII byte and the non-canonical ASCII form of a hex id are malformed")
    func malformedCardID() async throws {
        let fixture = try F()
        let text = try await fixture.issue("ABCDEFG", .static)
        let dash = try F.rewriting(text) { $0[12] = UInt8(ascii: "-") }
        guard case .malformed(let reason, let offset) = fixture.verifier().verify(dash, now: F.now) else {
            Issue.record("expected malformed")
            return
        }
        #expect(offset == 5 + 12 / 2 * 3 && reason.contains("(byte 12): card id byte 2D is not a letter or digit"))

        // "ABCDEF" written as ASCII instead of packed hex.
        let keyID = fixture.keyID
        let code = try SignedCode(kind: .static, keyID: keyID, cardID: "ABCDEG", issuedAt: F.now, nonce: .random())
        var body = SignedCodeFormat.body(of: code)
        body[16] = UInt8(ascii: "F")
        let nonCanonical = SignedCodeFormat.text(body: body, signature: [UInt8](repeating: 1, count: 64))
        guard case .malformed(let reason2, _) = fixture.verifier().verify(nonCanonical, now: F.now) else {
            Issue.record("expected malformed")
            return
        }
        #expect(reason2.contains("not in the packed form (non-canonical)"))
    }

    @Test("random and hostile texts never trap and are never valid")
    func robustness() throws {
        let fixture = try F()
        let verifier = fixture.verifier()
        var generator = SplitMix64(seed: 0x4843_4B31)  // seeded: a failure reproduces
        for _ in 0..<3000 {
            let count = Int.random(in: 0...250, using: &generator)
            let body = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Structured enough to reach the body parser: our prefix, version 1, our key id.
            var bytes = body
            if bytes.count > 10, Bool.random(using: &generator) {
                bytes[0] = 1
                bytes[1] = UInt8.random(in: 0...1, using: &generator)
                bytes.replaceSubrange(2..<10, with: fixture.keyID.bytes)
            }
            let text = SignedCodeFormat.prefix + Base45.encode(bytes)
            #expect(!verifier.verify(text, now: F.now).isValid)
            let junk = String(
                decoding: (0..<count).map { _ in UInt8.random(in: 0...127, using: &generator) }, as: UTF8.self)
            #expect(!verifier.verify(junk, now: F.now).isValid)
            #expect(!verifier.verify("HCK1-" + junk, now: F.now).isValid)
        }
    }
}
