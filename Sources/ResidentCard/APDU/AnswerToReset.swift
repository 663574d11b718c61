import HealthCardFoundation

/// A parsed Answer-to-Reset (ISO/IEC 7816-3 §8): the protocols a card offers, its historical
/// bytes, and whether the check byte is right.
///
/// Why it matters here: the health card's diversification factor comes from the reset response
/// (health-card.md §7.3), and a reader needs to know T=0 vs T=1 to run the right transport rules.
public struct AnswerToReset: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    /// Protocols announced in TD bytes (T=15, which only qualifies global bytes, left out);
    /// T=0 when no TD byte is present. Never empty: TD1 announcing T=15 is refused.
    public let protocols: [Int]
    public let historicalBytes: [UInt8]
    /// `true` when TCK is absent (T=0 only) or correct.
    public let checkByteValid: Bool
    /// TA1's Fi/Di, when present.
    public let ta1: UInt8?

    public init(_ bytes: [UInt8]) throws {
        var reader = ByteReader(bytes)
        guard let ts = reader.readUInt8() else { throw HealthCardError.truncated("ATR is empty") }
        guard ts == 0x3B || ts == 0x3F else {
            throw HealthCardError.malformed("ATR TS byte \(Hex.encode([ts])) is neither 3B nor 3F")
        }
        guard var y = reader.readUInt8() else { throw HealthCardError.truncated("ATR has no T0 byte") }
        let historicalCount = Int(y & 0x0F)
        var protocols: [Int] = []
        var ta1: UInt8?
        var level = 1
        while true {
            if y & 0x10 != 0 {
                guard let ta = reader.readUInt8() else { throw HealthCardError.truncated("ATR ends inside TA\(level)") }
                if level == 1 { ta1 = ta }
            }
            if y & 0x20 != 0, reader.readUInt8() == nil { throw HealthCardError.truncated("ATR ends inside TB\(level)") }
            if y & 0x40 != 0, reader.readUInt8() == nil { throw HealthCardError.truncated("ATR ends inside TC\(level)") }
            guard y & 0x80 != 0 else { break }
            guard let td = reader.readUInt8() else { throw HealthCardError.truncated("ATR ends inside TD\(level)") }
            // ISO/IEC 7816-3 §8.2.3: TD1 names a protocol; T=15 (global interface bytes) may
            // follow only from TD2 on. Such an ATR announces no protocol at all.
            if level == 1, td & 0x0F == 15 {
                throw HealthCardError.malformed(
                    "ATR TD1 (offset \(reader.offset - 1)) announces T=15, which ISO/IEC 7816-3 §8.2.3 allows only from TD2 on")
            }
            protocols.append(Int(td & 0x0F))
            y = td
            level += 1
        }
        guard let historical = reader.read(historicalCount) else {
            throw HealthCardError.truncated("ATR declares \(historicalCount) historical bytes, \(reader.remainingBytes.count) present")
        }
        let onlyT0 = protocols.allSatisfy { $0 == 0 }
        if onlyT0 {
            self.checkByteValid = reader.isAtEnd
        } else {
            guard reader.readUInt8() != nil else { throw HealthCardError.truncated("ATR lacks its TCK check byte") }
            self.checkByteValid = bytes.dropFirst().reduce(0, ^) == 0
        }
        guard reader.isAtEnd else {
            throw HealthCardError.malformed("ATR has \(reader.remainingBytes.count) bytes after its end at offset \(reader.offset)")
        }
        self.bytes = bytes
        self.protocols = protocols.isEmpty ? [0] : Array(Set(protocols.filter { $0 != 15 })).sorted()
        self.historicalBytes = Array(historical)
        self.ta1 = ta1
    }

    public var supportsT0: Bool { protocols.contains(0) }
    public var supportsT1: Bool { protocols.contains(1) }

    /// Builds an ATR offering T=0 and T=1 with the given historical bytes (at most 15) and a correct TCK.
    public static func make(historicalBytes: [UInt8]) -> AnswerToReset {
        precondition(historicalBytes.count <= 15)
        var bytes: [UInt8] = [0x3B, 0x80 | UInt8(historicalBytes.count), 0x80, 0x01] + historicalBytes
        bytes.append(bytes.dropFirst().reduce(0, ^))
        return try! AnswerToReset(bytes)
    }

    public var description: String {
        "\(Hex.encode(bytes)) (T=\(protocols.map(String.init).joined(separator: ",T=")), \(historicalBytes.count) historical bytes)"
    }
}
