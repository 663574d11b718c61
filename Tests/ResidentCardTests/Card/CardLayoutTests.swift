import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// The layout table against the sizes and offsets of health-card.md §2, §4 and appendices A/B.
@Suite("Card layout")
struct CardLayoutTests {
    @Test("every DF has its EFs, in card order")
    func tree() {
        let dfs = ResidentCardFileSystem.dedicatedFiles
        #expect(dfs.map(\.fid.description) == ["DDF1", "DF01", "DF02", "DF03"])
        #expect(dfs.map(\.files.count) == [4, 4, 4, 10])
        #expect(ResidentCardFileSystem.allFiles.count == 22)
        #expect(Set(ResidentCardFileSystem.allFiles.map(\.name)).count == 22, "file names are unique")
    }

    @Test("TLV files list the spec's 57 data items once each")
    func tlvItems() {
        let items = ResidentCardFileSystem.allFiles.filter { $0.structure == .tlvRecords }.flatMap(\.fields).compactMap(\.item)
        #expect(items.count == 57)
        #expect(Set(items) == Set((1...57).map(UInt8.init)))
    }

    @Test("record counts match §2", arguments: [
        ("issuer", 10), ("holder", 5), ("payment", 6), ("addresses", 4), ("contacts", 9), ("occupation", 3),
        ("documents", 4), ("clinical", 15), ("special", 1), ("allergies", 3), ("immunizations", 10),
        ("inpatientIndex", 3), ("outpatientIndex", 5),
    ])
    func recordCounts(name: String, count: Int) throws {
        let file = try #require(ResidentCardFileSystem.file(named: name))
        #expect(file.recordCount == count)
    }

    @Test("fixed layouts tile their records with no gap or overlap", arguments: [
        ("allergies", 120), ("immunizations", 24), ("inpatient1", 1893), ("outpatient1", 3267),
    ])
    func tiling(name: String, length: Int) throws {
        let file = try #require(ResidentCardFileSystem.file(named: name))
        #expect(CardRecordCodec.fixedLength(of: file) == length)
        var covered = [Int](repeating: 0, count: length)
        for field in file.allFields {
            for offset in field.range { covered[offset] += 1 }
        }
        #expect(covered.allSatisfy { $0 == 1 }, "every byte belongs to exactly one field")
    }

    @Test("field counts match appendix A (items 64-212) and B (items 213-384)")
    func encounterFieldCounts() {
        #expect(ResidentCardFileSystem.EF.inpatient[0].allFields.count == 149)
        #expect(ResidentCardFileSystem.EF.outpatient[0].allFields.count == 172)
    }

    @Test("spot checks against the appendices", arguments: [
        ("outpatient1", "symptoms.2.symptomName", 281, 50), ("outpatient1", "examinations.10.itemCode", 2021, 20),
        ("outpatient1", "drugs.5.route", 2494, 2), ("outpatient1", "fees.10.amount", 3009, 4),
        ("outpatient1", "signature", 3013, 64), ("inpatient1", "diagnoses.3.woundHealingGrade", 952, 1),
        ("inpatient1", "transfusions.4.unit", 995, 10), ("inpatient1", "costs.20.amount", 1584, 5),
        ("inpatient1", "otherFee", 1634, 5), ("inpatient1", "samCertificate", 1703, 190),
    ])
    func offsets(file name: String, key: String, offset: Int, length: Int) throws {
        let file = try #require(ResidentCardFileSystem.file(named: name))
        let field = try #require(file.allFields.first { $0.key == key })
        #expect(field.offset == offset && field.length == length)
    }
}
