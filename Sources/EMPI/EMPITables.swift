import Foundation
import HealthCardFoundation

/// The name tables the EMPI comparators need (../shared/specs/empi.md §3.3, §4): Hanzi → toneless
/// pinyin readings, traditional → simplified characters, and surname readings (heteronym surnames
/// such as 单 shan, compound surnames such as 欧阳).
///
/// They ship as resources (`pinyin.tsv`, `trad-simp.tsv`, `surnames.tsv`; provenance and licences in
/// `empi-tables-provenance.md`) and are read once, on first use. Only characters of the CJK Unified
/// Ideographs block U+4E00-U+9FFF are covered; other characters compare by identity.
///
/// A class, as the tables are one read-only instance shared by every caller: a copy of a struct
/// retained and released each of its arrays, and normalising a name copies it several times.
final class EMPITables: Sendable {
    /// A surname with its readings per character position (each a set, for heteronym surnames).
    struct Surname: Sendable {
        let text: String
        let scalars: [UInt32]
        let readings: [[UInt16]]
        /// Rounded population share in per cent; used only by the synthetic generator.
        let share: Double
    }

    static let blockStart: UInt32 = 0x4E00
    static let blockEnd: UInt32 = 0x9FFF

    static let shared: EMPITables = {
        do { return try load() } catch { preconditionFailure("HealthCardCore: \(error)") }
    }()

    /// Syllable id → toneless syllable (`lv` for lü).
    let syllables: [String]
    let syllableIDs: [String: UInt16]
    /// For each character of the block: its readings are `readingIDs[offsets[i]..<offsets[i + 1]]`.
    private let readingOffsets: [UInt32]
    private let readingIDs: [UInt16]
    /// For each character of the block: its simplified form, or 0 when it is already simplified.
    private let simplifiedForm: [UInt32]
    /// Simplified → one traditional form (the first listed), for the generator's variants.
    let traditionalForm: [UInt32: UInt32]
    let surnames: [String: Surname]
    /// Surnames in descending share, for the generator.
    let surnamesByShare: [Surname]
    let compoundSurnames: Set<String>

    static func load() throws -> EMPITables {
        func text(_ name: String) throws -> String {
            guard let url = Bundle.module.url(forResource: name, withExtension: "tsv") else {
                throw HealthCardError.resourceMissing("\(name).tsv is not in the HealthCardCore resource bundle")
            }
            return try String(contentsOf: url, encoding: .utf8)
        }
        return try EMPITables(pinyin: text("pinyin"), tradSimp: text("trad-simp"), surnames: text("surnames"))
    }

    init(pinyin: String, tradSimp: String, surnames surnameText: String) throws {
        var syllables: [String] = []
        var ids: [String: UInt16] = [:]
        func id(_ syllable: Substring) -> UInt16 {
            let key = String(syllable)
            if let existing = ids[key] { return existing }
            let new = UInt16(syllables.count)
            syllables.append(key)
            ids[key] = new
            return new
        }
        let size = Int(Self.blockEnd - Self.blockStart) + 1
        var perChar = [[UInt16]](repeating: [], count: size)
        for (number, line) in pinyin.split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let scalar = fields[0].unicodeScalars.first,
                (Self.blockStart...Self.blockEnd).contains(scalar.value)
            else { throw HealthCardError.malformed("pinyin.tsv line \(number + 1): expected 'char<TAB>readings'") }
            perChar[Int(scalar.value - Self.blockStart)] = fields[1].split(separator: ",").map(id)
        }
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(size + 1)
        var flat: [UInt16] = []
        for readings in perChar {
            flat += readings
            offsets.append(UInt32(flat.count))
        }

        var simplified = [UInt32](repeating: 0, count: size)
        var traditional: [UInt32: UInt32] = [:]
        for (number, line) in tradSimp.split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let t = fields[0].unicodeScalars.first, let s = fields[1].unicodeScalars.first,
                (Self.blockStart...Self.blockEnd).contains(t.value)
            else { throw HealthCardError.malformed("trad-simp.tsv line \(number + 1): expected 'trad<TAB>simp'") }
            simplified[Int(t.value - Self.blockStart)] = s.value
            if traditional[s.value] == nil { traditional[s.value] = t.value }
        }

        var surnames: [String: Surname] = [:]
        var ordered: [Surname] = []
        for (number, line) in surnameText.split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                throw HealthCardError.malformed(
                    "surnames.tsv line \(number + 1): expected 'surname<TAB>readings<TAB>share'")
            }
            let name = String(fields[0])
            let scalars = name.unicodeScalars.map(\.value)
            var positions = [[UInt16]](repeating: [], count: scalars.count)
            for alternative in fields[1].split(separator: "|") {
                let parts = alternative.split(separator: " ")
                guard parts.count == scalars.count else {
                    throw HealthCardError.malformed(
                        "surnames.tsv line \(number + 1): one syllable per character expected")
                }
                for (position, part) in parts.enumerated() where !positions[position].contains(id(part)) {
                    positions[position].append(id(part))
                }
            }
            let surname = Surname(text: name, scalars: scalars, readings: positions, share: Double(fields[2]) ?? 0)
            surnames[name] = surname
            ordered.append(surname)
        }
        self.syllables = syllables
        self.syllableIDs = ids
        self.readingOffsets = offsets
        self.readingIDs = flat
        self.simplifiedForm = simplified
        self.traditionalForm = traditional
        self.surnames = surnames
        self.surnamesByShare = ordered.sorted { ($0.share, $1.text) > ($1.share, $0.text) }
        self.compoundSurnames = Set(surnames.keys.filter { $0.unicodeScalars.count == 2 })
    }

    static func inBlock(_ scalar: UInt32) -> Bool { scalar >= blockStart && scalar <= blockEnd }

    /// Toneless readings of a character, most common first; empty outside the block.
    func readings(of scalar: UInt32) -> ArraySlice<UInt16> {
        guard Self.inBlock(scalar) else { return [] }
        let index = Int(scalar - Self.blockStart)
        return readingIDs[Int(readingOffsets[index])..<Int(readingOffsets[index + 1])]
    }

    /// The simplified form of a character (itself when it has none).
    @inline(__always) func simplify(_ scalar: UInt32) -> UInt32 {
        guard Self.inBlock(scalar) else { return scalar }
        let simple = simplifiedForm[Int(scalar - Self.blockStart)]
        return simple == 0 ? scalar : simple
    }
}
