/// An exact amount of renminbi, counted in fen (分, 1/100 yuan): the cost fields of encounter
/// records (health-card.md §3 "Money", Appendix A/B).
///
/// Why integer fen and not `Double`: amounts are added up into totals and compared with the
/// card's own totals (住院总费用); binary floating point cannot represent 0.10 exactly, so sums drift
/// by a fen and comparisons fail. Why a string in JSON: a JSON number goes through `Double` in most
/// decoders, with the same problem; `"123.45"` survives every tool chain unchanged.
///
/// How the card stores an amount (`cn`, implied decimals) is ``FieldEncoding``'s business; see
/// ``FieldEncoding/decodeMoney(_:impliedDecimals:)``.
public struct Money: Hashable, Comparable, Sendable {
    /// The amount in fen; negative for a refund or correction (the card itself stores no sign).
    public var fen: Int64

    public init(fen: Int64) {
        self.fen = fen
    }

    /// Parses yuan written as `123.45`, `123.4`, `123` or `-0.05`: ASCII digits, an optional leading
    /// `-` and at most two decimals. Returns `nil` for anything else (more decimals, thousands
    /// separators, exponents) or an amount that does not fit.
    public init?(_ text: some StringProtocol) {
        var body = Substring(text)
        let isNegative = body.first == "-"
        if isNegative { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let yuanDigits = parts[0]
        let fenDigits = parts.count == 2 ? parts[1] : ""
        guard !yuanDigits.isEmpty, parts.count == 1 || (1...2).contains(fenDigits.count),
            (yuanDigits + fenDigits).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var fen: Int64 = 0
        for digit in (yuanDigits + fenDigits + String(repeating: "0", count: 2 - fenDigits.count)).utf8 {
            let (scaled, overflow1) = fen.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(Int64(digit - 0x30))
            guard !overflow1, !overflow2 else { return nil }
            fen = sum
        }
        self.fen = isNegative ? -fen : fen
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.fen < rhs.fen }
}

extension Money: CustomStringConvertible {
    /// Yuan with exactly two decimals: `"123.45"`, `"0.05"`, `"-1.00"`.
    public var description: String {
        let magnitude = fen.magnitude
        let fraction = magnitude % 100
        return (fen < 0 ? "-" : "") + "\(magnitude / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}

extension Money: Codable {
    /// Accepts the string form (`"123.45"`) and, for hand-written JSON, a number (`123.45` or `123`);
    /// a number with more precision than a fen is rejected rather than rounded.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        func corrupted(_ what: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an amount in yuan: \(what)"))
        }
        if let text = try? container.decode(String.self) {
            guard let money = Money(text) else { throw corrupted("'\(text)'") }
            self = money
        } else if let yuan = try? container.decode(Int64.self) {
            let (fen, overflow) = yuan.multipliedReportingOverflow(by: 100)
            guard !overflow else { throw corrupted("\(yuan)") }
            self.init(fen: fen)
        } else {
            let yuan = try container.decode(Double.self)
            let fen = (yuan * 100).rounded()
            guard yuan.isFinite, fen.magnitude < 9.0e15, (yuan * 100 - fen).magnitude <= 1e-6 * max(1, fen.magnitude)
            else { throw corrupted("\(yuan)") }
            self.init(fen: Int64(fen))
        }
    }

    /// Always the string form, `"123.45"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
