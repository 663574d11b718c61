import HealthCardFoundation

/// Where the 8-byte card diversification factor comes from in the reset response.
///
/// Two SDK builds disagree (health-card.md §7.3, §11 item 5): "8 bytes starting at byte 5" or
/// "the last 8 bytes". It depends on the reader and the ATS format, so it is a setting, and the
/// virtual card puts its factor where `lastEightHistoricalBytes` finds it.
public enum CardFactorSource: String, Sendable, Codable, CaseIterable {
    /// The last 8 historical bytes of the ATR (the default).
    case lastEightHistoricalBytes
    /// 8 bytes of the ATR starting at byte index 5.
    case eightFromByteFive

    public func factor(from atr: AnswerToReset) throws -> [UInt8] {
        switch self {
        case .lastEightHistoricalBytes:
            guard atr.historicalBytes.count >= 8 else {
                throw HealthCardError.malformed("ATR has \(atr.historicalBytes.count) historical bytes; the card factor needs 8")
            }
            return Array(atr.historicalBytes.suffix(8))
        case .eightFromByteFive:
            guard atr.bytes.count >= 13 else {
                throw HealthCardError.malformed("ATR has \(atr.bytes.count) bytes; the card factor needs bytes 5-12")
            }
            return Array(atr.bytes[5..<13])
        }
    }
}

/// The regional diversification factor: ASCII of the province (first two digits of the
/// application city code, DDF1/EF05 item 57) followed by ASCII `000000` (health-card.md §7.3,
/// trace-verified: city `210000` → `32 31 30 30 30 30 30 30`).
public func regionalFactor(cityCode: String) throws -> [UInt8] {
    let province = Array(cityCode.utf8.prefix(2))
    guard province.count == 2, province.allSatisfy({ (0x30...0x39).contains($0) }) else {
        throw HealthCardError.invalidValue("application city code '\(cityCode)' does not start with a 2-digit province")
    }
    return province + Array("000000".utf8)
}
