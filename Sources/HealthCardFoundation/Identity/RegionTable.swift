import Foundation

/// A GB/T 2260 administrative division: a 6-digit code and its name.
public struct Region: Hashable, Sendable, Codable {
    public let code: String
    public let name: String
    /// `false` for a code that published lists once carried but the current list does not.
    public let isCurrent: Bool
    /// For a retired code, the last year a published list carried it.
    public let lastPublished: Int?
}

/// The GB/T 2260 division table: 6-digit codes where the first two digits name the province and
/// the first four the prefecture (../shared/specs/empi.md §3.2).
///
/// The shipped table (`Resources/gb2260.tsv`, provenance in `gb2260-provenance.md`) merges the
/// current list with the 2002-2013 lists, because citizen IDs keep the code of their year of issue
/// forever. It is replaceable: pass your own TSV to ``init(tsv:)``.
public struct RegionTable: Sendable {
    private let regions: [String: Region]

    /// The table that ships with the library.
    public static let shipped: RegionTable = {
        do { return try loadShipped() } catch { preconditionFailure("HealthCardCore: \(error)") }
    }()

    static func loadShipped() throws -> RegionTable {
        guard let url = Bundle.module.url(forResource: "gb2260", withExtension: "tsv") else {
            throw HealthCardError.resourceMissing("gb2260.tsv is not in the HealthCardCore resource bundle")
        }
        return try RegionTable(tsv: String(contentsOf: url, encoding: .utf8))
    }

    /// Parses `code<TAB>name[<TAB>status<TAB>last]` lines; a first line starting with `code` is a header.
    public init(tsv: String) throws {
        var regions: [String: Region] = [:]
        for (index, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || (index == 0 && line.hasPrefix("code")) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, fields[0].count == 6, fields[0].allSatisfy(\.isASCIIDigit) else {
                throw HealthCardError.malformed("region table line \(index + 1): expected 'code<TAB>name'")
            }
            let retired = fields.count >= 3 && fields[2] == "retired"
            regions[fields[0]] = Region(
                code: fields[0], name: fields[1], isCurrent: !retired,
                lastPublished: retired && fields.count >= 4 ? Int(fields[3]) : nil)
        }
        self.regions = regions
    }

    /// Names the lists use for grouping rows that are not places of their own.
    private static let placeholderNames: Set<String> = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]

    public var count: Int { regions.count }

    /// Every division of the table, current and retired, by code.
    public var allRegions: [Region] { regions.values.sorted { $0.code < $1.code } }

    /// The division with exactly this 6-digit code.
    public func region(code: String) -> Region? { regions[code] }

    /// The province (`xx0000`) of a code.
    public func province(of code: String) -> Region? { regions[String(code.prefix(2)) + "0000"] }

    /// The prefecture-level unit (`xxxx00`) of a code, when it is one distinct from the province.
    public func prefecture(of code: String) -> Region? {
        let key = String(code.prefix(4)) + "00"
        return key == String(code.prefix(2)) + "0000" ? nil : regions[key]
    }

    /// "北京市 朝阳区", "广东省 汕头市 潮阳区": province, prefecture and county names joined,
    /// skipping placeholder prefectures (市辖区, 县) and repeats.
    public func fullName(of code: String) -> String? {
        guard let leaf = regions[code] else { return nil }
        var parts: [String] = []
        for part in [province(of: code), prefecture(of: code), leaf].compactMap({ $0 }) {
            let placeholder = part != leaf && Self.placeholderNames.contains(part.name)
            if !placeholder && !parts.contains(part.name) { parts.append(part.name) }
        }
        return parts.joined(separator: " ")
    }
}

extension Character {
    /// `0`-`9` (the only ASCII characters that are numbers), without a Unicode property lookup.
    package var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
}
