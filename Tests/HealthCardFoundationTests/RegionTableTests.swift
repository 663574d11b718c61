import Testing
@testable import HealthCardFoundation


@Suite("GB/T 2260 region table")
struct RegionTableTests {
    let table = RegionTable.shipped

    @Test("ships current and retired codes for every province")
    func shipped() {
        #expect(table.count > 3_500)
        for prefix in CitizenIDValidator.provincePrefixes where prefix != 83 {  // 83: Taiwan residence permits only
            #expect(table.region(code: "\(prefix)0000") != nil, "province \(prefix) missing")
        }
        #expect(table.region(code: "110105")?.name == "朝阳区")
        #expect(table.region(code: "110105")?.isCurrent == true)
        #expect(table.region(code: "110103")?.isCurrent == false)
        #expect(table.region(code: "110103")?.lastPublished == 2009)
    }

    @Test("full names skip placeholder prefectures", arguments: [
        ("110105", "北京市 朝阳区"), ("440513", "广东省 汕头市 潮阳区"), ("440000", "广东省"), ("440500", "广东省 汕头市"),
    ])
    func fullNames(code: String, name: String) {
        #expect(table.fullName(of: code) == name)
    }

    @Test("a replacement table loads from TSV and rejects bad lines")
    func customTable() throws {
        let custom = try RegionTable(tsv: "code\tname\n110000\t北京市\n110105\t朝阳区\n")
        #expect(custom.count == 2)
        #expect(custom.fullName(of: "110105") == "北京市 朝阳区")
        #expect(throws: HealthCardError.malformed("")) { try RegionTable(tsv: "11010\tx\n") }
    }
}
