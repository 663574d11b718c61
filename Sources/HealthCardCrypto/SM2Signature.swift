import HealthCardFoundation

/// An SM2 signature: the pair of 256-bit integers (r, s).
///
/// Two encodings meet here. The card stores, and the QR payloads carry, the fixed 64-byte form
/// r‖s (each big-endian, left-padded to 32 bytes). OpenSSL, and most other libraries, produce and
/// expect DER `SEQUENCE { INTEGER r, INTEGER s }`, whose length varies (typically 70-72 bytes)
/// because DER integers drop leading zero bytes and add one when the high bit is set. This type
/// converts both ways and is strict about DER, so a given signature has exactly one encoding in
/// each form.
///
/// - SeeAlso: GB/T 32918.2-2016 (SM2 signatures); GM/T 0009-2012 / GB/T 35276-2017 (the ASN.1
///   signature structure); health-card.md §7.6 (the 64-byte signature on encounter records).
public struct SM2Signature: Hashable, Sendable {
    /// The length of one integer in the raw form.
    public static let integerByteCount = 32
    /// The length of the raw form r‖s.
    public static let rawByteCount = 64

    /// The raw form: r‖s, 64 bytes.
    public let rawRepresentation: [UInt8]

    /// r, 32 bytes big-endian.
    public var r: ArraySlice<UInt8> { rawRepresentation.prefix(Self.integerByteCount) }
    /// s, 32 bytes big-endian.
    public var s: ArraySlice<UInt8> { rawRepresentation.suffix(Self.integerByteCount) }

    /// A signature from its raw 64-byte form r‖s.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` unless `raw` is exactly 64 bytes.
    public init(rawRepresentation raw: [UInt8]) throws {
        guard raw.count == Self.rawByteCount else {
            throw HealthCardError.invalidValue("SM2 signature is \(raw.count) bytes, expected \(Self.rawByteCount)")
        }
        self.rawRepresentation = raw
    }

    /// A signature from its raw form held in a slice of a larger buffer (a card record).
    public init(rawRepresentation raw: ArraySlice<UInt8>) throws {
        try self.init(rawRepresentation: Array(raw))
    }

    /// A signature from r and s, each big-endian and exactly 32 bytes.
    public init(r: [UInt8], s: [UInt8]) throws {
        guard r.count == Self.integerByteCount, s.count == Self.integerByteCount else {
            throw HealthCardError.invalidValue("SM2 r and s must be 32 bytes each, got \(r.count) and \(s.count)")
        }
        self.rawRepresentation = r + s
    }
}

// MARK: - DER

extension SM2Signature {
    /// A signature from DER `SEQUENCE { INTEGER r, INTEGER s }`.
    ///
    /// Strict DER: minimal lengths and integers, no negative values, no trailing bytes.
    ///
    /// - Throws: `HealthCardError/Code/truncated` if the input ends early,
    ///   `HealthCardError/Code/malformed` for anything that is not strict DER of that shape,
    ///   `HealthCardError/Code/invalidValue` if r or s does not fit in 256 bits.
    public init(derRepresentation der: [UInt8]) throws {
        try self.init(derRepresentation: der[...])
    }

    /// A signature from DER held in a slice of a larger buffer.
    public init(derRepresentation der: ArraySlice<UInt8>) throws {
        var input = der
        var sequence = try DERReader.element(tag: 0x30, from: &input, what: "SM2 signature SEQUENCE")
        guard input.isEmpty else {
            throw HealthCardError.malformed("\(input.count) trailing bytes after the SM2 signature SEQUENCE")
        }
        let r = try DERReader.unsignedInteger(from: &sequence, what: "r")
        let s = try DERReader.unsignedInteger(from: &sequence, what: "s")
        guard sequence.isEmpty else {
            throw HealthCardError.malformed("\(sequence.count) extra bytes inside the SM2 signature SEQUENCE")
        }
        self.rawRepresentation = r + s
    }

    /// The DER form `SEQUENCE { INTEGER r, INTEGER s }` that OpenSSL and X.509 tools expect.
    public var derRepresentation: [UInt8] {
        withDERRepresentation { Array($0) }
    }

    /// Calls `body` with the DER form, written into a buffer on the stack: a verifier hands it to
    /// OpenSSL for every signature it checks, and the arrays of building it were a measurable part
    /// of that (Docs/serve.md §9).
    func withDERRepresentation<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        // At most 2 + 2 × (2 + 33) = 72 bytes, so the short length form always applies.
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        return try withUnsafeMutableBytes(of: &buffer) { der in
            var count = 2
            rawRepresentation.withUnsafeBytes { raw in
                Self.appendDERInteger(UnsafeRawBufferPointer(rebasing: raw[0..<Self.integerByteCount]), to: der, at: &count)
                Self.appendDERInteger(
                    UnsafeRawBufferPointer(rebasing: raw[Self.integerByteCount..<Self.rawByteCount]), to: der, at: &count)
            }
            der[0] = 0x30
            der[1] = UInt8(count - 2)
            return try body(UnsafeRawBufferPointer(rebasing: der[0..<count]))
        }
    }

    /// Writes the DER INTEGER of a 32-byte big-endian magnitude at `count`: leading zeros dropped
    /// (one kept for zero), a zero byte added when the high bit is set.
    private static func appendDERInteger(
        _ magnitude: UnsafeRawBufferPointer, to der: UnsafeMutableRawBufferPointer, at count: inout Int
    ) {
        var start = magnitude.firstIndex(where: { $0 != 0 }) ?? magnitude.count - 1
        let padded = magnitude[start] & 0x80 != 0
        der[count] = 0x02
        der[count + 1] = UInt8(magnitude.count - start + (padded ? 1 : 0))
        count += 2
        if padded {
            der[count] = 0
            count += 1
        }
        while start < magnitude.count {
            der[count] = magnitude[start]
            count += 1
            start += 1
        }
    }
}

/// The few DER rules an SM2 signature needs, in the cursor style of swift-asn1's parser.
private enum DERReader {
    /// Reads one element with `tag` and a definite length; returns its content.
    static func element(tag: UInt8, from input: inout ArraySlice<UInt8>, what: String) throws -> ArraySlice<UInt8> {
        guard let found = input.popFirst() else { throw HealthCardError.truncated("\(what): no tag") }
        guard found == tag else {
            throw HealthCardError.malformed("\(what): tag \(hex(found)), expected \(hex(tag))")
        }
        guard let first = input.popFirst() else { throw HealthCardError.truncated("\(what): no length") }
        let length: Int
        switch first {
        case 0..<0x80:
            length = Int(first)
        case 0x81:
            guard let byte = input.popFirst() else { throw HealthCardError.truncated("\(what): length cut off") }
            guard byte >= 0x80 else { throw HealthCardError.malformed("\(what): length \(byte) not minimally encoded") }
            length = Int(byte)
        default:
            throw HealthCardError.malformed("\(what): unsupported length form \(hex(first))")
        }
        guard input.count >= length else {
            throw HealthCardError.truncated("\(what): \(length) bytes declared, \(input.count) present")
        }
        let content = input.prefix(length)
        input = input.dropFirst(length)
        return content
    }

    /// Reads a non-negative INTEGER and returns it left-padded to 32 bytes.
    static func unsignedInteger(from input: inout ArraySlice<UInt8>, what: String) throws -> [UInt8] {
        var content = try element(tag: 0x02, from: &input, what: "SM2 signature \(what)")
        guard let first = content.first else { throw HealthCardError.malformed("SM2 signature \(what): empty INTEGER") }
        guard first & 0x80 == 0 else { throw HealthCardError.malformed("SM2 signature \(what): negative INTEGER") }
        if first == 0, content.count > 1 {
            guard content[content.startIndex + 1] & 0x80 != 0 else {
                throw HealthCardError.malformed("SM2 signature \(what): INTEGER has a redundant leading zero")
            }
            content = content.dropFirst()
        }
        guard content.count <= SM2Signature.integerByteCount else {
            throw HealthCardError.invalidValue("SM2 signature \(what) is \(content.count) bytes, more than 256 bits")
        }
        return [UInt8](repeating: 0, count: SM2Signature.integerByteCount - content.count) + content
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

extension SM2Signature: CustomStringConvertible {
    /// The raw form in lowercase hex.
    public var description: String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(Self.rawByteCount * 2)
        for byte in rawRepresentation {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return "SM2Signature(\(text))"
    }
}
