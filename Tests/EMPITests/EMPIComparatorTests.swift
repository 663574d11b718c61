import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import HealthCardFoundation


/// Field comparators, ../shared/specs/empi.md §1.2, §3.3 and §5.1.
@Suite("EMPI comparators")
struct EMPIComparatorTests {
    typealias F = EMPIFixture

    static let full = F.record(
        "a", name: "欧阳娜娜", birth: "1949-12-31", sex: "2", citizenID: "11010519491231002X",
        phone: "13812345678", address: "人民路1号", region: "110105", cards: [("hosp-a", "A123")])

    @Test("identical records reach the top level of every field")
    func identicalTop() {
        let a = F.normalized(Self.full)
        let levels = Comparator.levels(a, a)
        #expect(levels[.citizenID] == Int(CitizenIDLevel.exact.rawValue))
        #expect(levels[.nameHanzi] == Int(HanziNameLevel.exact.rawValue))
        #expect(levels[.nameLatin] == 0, "a Hanzi name is not counted twice")
        #expect(levels[.birthDate] == Int(BirthDateLevel.exact.rawValue))
        #expect(levels[.sex] == Int(SexLevel.same.rawValue))
        #expect(levels[.phone] == Int(PhoneLevel.exact.rawValue))
        #expect(levels[.address] == Int(AddressLevel.sameAddress.rawValue))
        #expect(levels[.identifier] == Int(IdentifierLevel.exact.rawValue))
        let latin = F.name("Zhang Wei")
        #expect(Comparator.latinName(latin, latin) == .exact)
    }

    @Test("a missing value on either side gives the null level")
    func nullLevel() {
        let a = F.normalized(Self.full)
        let empty = F.normalized(F.record("b"))
        #expect(Comparator.levels(a, empty).rawValue == 0)
        #expect(Comparator.levels(empty, a).rawValue == 0)
        #expect(Comparator.levels(empty, empty).rawValue == 0)
    }

    static let pairs: [(PersonRecord, PersonRecord)] = [
        (
            F.record("1", name: "张伟", birth: "19900506", citizenID: F.id("11010519900506123")),
            F.record("2", name: "章伟", birth: "19900605", citizenID: F.id("11010519900506132"))
        ),
        (F.record("1", name: "陈小明", birth: "1985-01-02"), F.record("2", name: "陳小明", birth: "1985-01-12")),
        (
            F.record("1", name: "ZHANG Wei", phone: "13812345678"),
            F.record("2", name: "Wei Zhang", phone: "+86 13812345678")
        ),
        (F.record("1", name: "Jonathan Smith"), F.record("2", name: "Jonathon Smyth")),
        (F.record("1", family: "伟", given: "张"), F.record("2", name: "张伟", region: "110105")),
        (F.record("1", name: "李娜", region: "110105"), F.record("2", name: "Li Na", region: "110108")),
    ]

    @Test("every comparator is symmetric", arguments: 0..<pairs.count)
    func symmetric(index: Int) {
        let a = F.normalized(Self.pairs[index].0)
        let b = F.normalized(Self.pairs[index].1)
        #expect(Comparator.levels(a, b) == Comparator.levels(b, a))
    }

    @Test("citizen ID levels: transposition, substitution, 15↔18, twins' valid IDs")
    func citizenIDLevels() {
        let valid = F.id("11010519900506123")
        func level(_ x: String, _ y: String) -> CitizenIDLevel {
            Comparator.citizenID(F.normalized(F.record("a", citizenID: x)), F.normalized(F.record("b", citizenID: y)))
        }
        var transposed = Array(valid)
        transposed.swapAt(3, 4)
        #expect(level(valid, String(transposed)) == .oneEdit)
        var typo = Array(valid)
        typo[10] = typo[10] == "9" ? "8" : "9"
        #expect(level(valid, String(typo)) == .oneEdit)
        #expect(level(valid, String(valid.dropLast()) + (valid.last == "0" ? "1" : "0")) == .oneEdit)
        // 15-digit legacy number and its upgrade.
        let legacy = "110105491231002"
        #expect(level(legacy, "11010519491231002X") == .legacyEquivalent)
        #expect(level("11010519491231002x", "11010519491231002X") == .exact)
        // Twins: both IDs valid, sequence digits differ: not a typo.
        #expect(level(F.id("11010519900506123"), F.id("11010519900506125")) == .different)
        #expect(level(valid, F.id("44052419800101001")) == .different)
        // Two edits (Damerau-Levenshtein on the body), one side failing its check: a level of its own.
        var two = Array(valid)
        two[7] = two[7] == "9" ? "8" : "9"
        two[12] = two[12] == "9" ? "8" : "9"
        #expect(level(valid, String(two)) == .twoEdits)
        var swappedTwice = Array(valid)
        swappedTwice.swapAt(2, 3)
        swappedTwice[13] = swappedTwice[13] == "9" ? "8" : "9"
        #expect(level(valid, String(swappedTwice)) == .twoEdits, "a transposition and a substitution")
        var three = two
        three[15] = three[15] == "9" ? "8" : "9"
        #expect(level(valid, String(three)) == .different)
    }

    @Test("an agreeing ID under disagreeing names is a household's, not an identity")
    func citizenIDHousehold() {
        let id = F.id("11010519800506123")
        let parent = F.normalized(F.record("p", name: "王建国", citizenID: id))
        let child = F.normalized(F.record("c", name: "李小红", citizenID: id))
        #expect(Comparator.levels(parent, child)[.citizenID] == Int(CitizenIDLevel.household.rawValue))
        let same = F.normalized(F.record("s", name: "王建國", citizenID: id))
        #expect(Comparator.levels(parent, same)[.citizenID] == Int(CitizenIDLevel.exact.rawValue))
        // One record's own ID carried as a guardian's on another (its birth date 30 years later).
        let guardian = F.normalized(F.record("g", name: "王小宝", birth: "2012-01-01", citizenID: id))
        #expect(guardian.hasGuardianID)
        #expect(Comparator.citizenID(parent, guardian) == .household)
        #expect(Comparator.citizenID(guardian, F.normalized(F.record("x", citizenID: F.id("11010519800506125")))) == .null)
    }

    @Test("addresses are parsed into divisions, road, number, compound, building, unit and room")
    func addressParsing() {
        func parse(_ text: String) -> ChineseAddress { ChineseAddress(parsing: EMPIText.clean(text)) }
        let full = parse("广东省深圳市南山区科技园路12号阳光花园3栋2单元501室")
        #expect(full.region == 440305 && full.regionDigits == 6)
        #expect(full.number == 13 && full.building == 4 && full.unit == 3 && full.room == 502)
        #expect(full.road != 0 && full.compound != 0)
        // Reordered, dashes, the divisions at the end, no 省/市 suffix: the same parts.
        let reordered = parse("阳光花园小区3-2-501，科技园路12号，广东深圳南山区")
        #expect(reordered.road == full.road && reordered.compound == full.compound)
        #expect(reordered.number == full.number && reordered.building == full.building)
        #expect(reordered.unit == full.unit && reordered.room == full.room)
        #expect(reordered.region == 440305)
        // A municipality: 北京市朝阳区 is 110105; 朝阳区 alone is several counties, resolved by a hint.
        #expect(parse("北京市朝阳区建国路88号").region == 110105)
        #expect(parse("朝阳区建国路88号").region == 0)
        #expect(ChineseAddress(parsing: EMPIText.clean("朝阳区建国路88号"), hint: 110108).region == 110105)
        // A township is not a road; 中山大道 is one road.
        let township = parse("粤海街道中山大道5号")
        #expect(township.road == parse("中山大道5号").road && township.number == 6)
        // Traditional and full-width forms.
        #expect(parse("科技園路１２號").road == full.road)
    }

    @Test("address levels: an omitted or reordered part is not a disagreement")
    func addressLevels() {
        func level(_ x: String, _ y: String, regionA: String? = nil, regionB: String? = nil) -> AddressLevel {
            Comparator.address(
                F.normalized(F.record("a", address: x, region: regionA)), F.normalized(F.record("b", address: y, region: regionB)))
        }
        let full = "广东省深圳市南山区科技园路12号阳光花园3栋2单元501室"
        #expect(level(full, "科技园路12号阳光花园3栋2单元501室") == .sameAddress, "divisions omitted")
        #expect(level(full, "深圳市南山区科技园路12号") == .sameAddress, "province and flat omitted")
        #expect(level(full, "阳光花园3-2-501 科技园路12号 南山区", regionB: "440305") == .sameAddress, "reordered")
        #expect(level(full, "科技园路12号阳光花园3栋2单元502室", regionB: "440305") == .sameCounty, "another flat")
        #expect(level(full, "科技园路14号阳光花园3栋2单元501室", regionB: "440305") == .sameCounty, "another number")
        #expect(level(full, "科技园路12号阳光花园3栋2单元502室") == .different, "another flat, no divisions to fall back on")
        #expect(level(full, "广东省广州市天河区科技园路12号") == .sameProvince, "same street, another city")
        #expect(level(full, "北京市朝阳区建国路88号") == .different)
        #expect(level("广东省科技园路12号", "深圳市南山区科技园路12号") == .sameAddress, "province vs county: compatible")
        #expect(level("广东省", "深圳市南山区") == .sameProvince, "compared at the finest level both know")
        // The region column and a line naming another county conflict at the county level.
        #expect(level("科技园路12号", "科技园路12号", regionA: "440305", regionB: "440303") == .sameCity)
        // Lines with no parts to find compare as text.
        #expect(level("Flat 3, 12 Baker Street", "flat 3 12 baker street") == .sameAddress)
        #expect(level("Flat 3, 12 Baker Street", "14 Baker Street") == .different)
    }

    @Test("heteronym surnames compare by their surname readings")
    func heteronymSurnames() {
        #expect(ChineseName.surnameReadings("单") == [["shan"]])
        #expect(ChineseName.surnameReadings("乐") == [["yue", "le"]])
        #expect(ChineseName.surnameReadings("尉迟") == [["yu"], ["chi"]])
        #expect(ChineseName.readings("单").first?.contains("dan") == true)
        // 单 read as a surname is "shan": 单 and 善 sound the same as surnames; 单 and 丹 do not.
        #expect(Comparator.hanziName(F.name("单丽"), F.name("善丽")) == .homophone)
        #expect(Comparator.hanziName(F.name("单丽华"), F.name("丹丽华")) != .homophone)
        // 曾 as a surname is zeng, and the Latin form a passport carries follows it.
        #expect(Comparator.latinName(F.name("曾伟"), F.name("ZENG Wei")) != .different)
        #expect(Comparator.latinName(F.name("乐乐"), F.name("Yue Le")) != .different)
        #expect(Comparator.hanziName(F.name("张伟"), F.name("章伟")) == .homophone)
    }

    @Test(
        "ü spellings: lü, lv, lyu, lu: and lu are one name",
        arguments: ["LYU Wei", "Lv Wei", "Lü Wei", "LU Wei", "lu: wei"])
    func umlautVariants(spelling: String) {
        let level = Comparator.latinName(F.name("吕伟"), F.name(spelling))
        #expect(level == .exact || level == .normalized, "\(spelling): \(level)")
    }

    @Test("traditional and simplified forms are equal after normalisation")
    func traditionalSimplified() {
        #expect(ChineseName.simplified("陳東華") == "陈东华")
        #expect(Comparator.hanziName(F.name("陳東華"), F.name("陈东华")) == .simplified)
        #expect(Comparator.hanziName(F.name("陈东华"), F.name("陈东华")) == .exact)
        // Full-width letters and separators of minority names.
        #expect(Comparator.hanziName(F.name("阿依古丽·买买提"), F.name("阿依古丽买买提")) == .simplified)
        #expect(Comparator.latinName(F.name("ＺＨＡＮＧ　Ｗｅｉ"), F.name("zhang wei")) == .exact)
    }

    @Test("compound surnames are segmented with the surname list")
    func compoundSurnames() {
        #expect(ChineseName.split("欧阳娜娜") == ("欧阳", "娜娜"))
        #expect(ChineseName.split("诸葛亮") == ("诸葛", "亮"))
        #expect(ChineseName.split("司马相如") == ("司马", "相如"))
        #expect(ChineseName.split("尉迟恭") == ("尉迟", "恭"))
        #expect(ChineseName.split("王小明") == ("王", "小明"))
        #expect(ChineseName.split("欧阳") == ("欧", "阳"), "two characters: a single surname and a given name")
        #expect(ChineseName.split("阿依古丽·买买提").family == "")
        let name = F.name("欧阳娜娜")
        #expect(name.familyCount == 2)
        let swapped = F.normalized(F.record("x", family: "娜娜", given: "欧阳"))
        #expect(Comparator.hanziName(name, swapped) == .swapped)
    }

    @Test("Hanzi levels: one character, placeholder, Latin order and Jaro-Winkler")
    func nameLevels() {
        #expect(Comparator.hanziName(F.name("王小明"), F.name("王晓明")) == .homophone)
        #expect(Comparator.hanziName(F.name("王小明"), F.name("王大明")) == .oneCharacter)
        #expect(Comparator.hanziName(F.name("王小明"), F.name("王明")) == .oneCharacter)
        #expect(Comparator.hanziName(F.name("王小明"), F.name("李四光")) == .different)
        #expect(Comparator.hanziName(F.name("李芳之子"), F.name("王强")) == .placeholder)
        #expect(Comparator.latinName(F.name("ZHANG Wei"), F.name("Wei Zhang")) == .normalized)
        #expect(Comparator.latinName(F.name("Zhang Weiming"), F.name("Wei Ming Zhang")) != .different)
        #expect(Comparator.latinName(F.name("Jonathan Smith"), F.name("Jonathon Smith")) == .tokenTypo)
        #expect(Comparator.latinName(F.name("Stephanie Brown"), F.name("BROWN Stepanie")) == .tokenTypo)
        #expect(Comparator.latinName(F.name("Christopher Jones"), F.name("Christopheer J0nes")) != .tokenTypo,
            "two tokens differ")
        #expect(Comparator.latinName(F.name("Jonathan Smithers"), F.name("Jonathan Smith")) != .tokenTypo,
            "three edits")
        #expect(Comparator.latinName(F.name("Martha Jones"), F.name("Marhta Jones")) == .tokenTypo,
            "a transposition is one edit")
        #expect(Comparator.latinName(F.name("Jiang Hai"), F.name("JIANG Haii")) == .tokenTypo, "short: one edit")
        #expect(Comparator.latinName(F.name("Jiang Hai"), F.name("JIANG Hui")) != .tokenTypo, "another name")
        #expect(Comparator.latinName(F.name("Jiang Hai"), F.name("JIANG Huii")) != .tokenTypo, "short: not two")
        // A letter changed in a short token is a typo unless both tokens are pinyin syllables.
        #expect(Comparator.latinName(F.name("Wei Zhang"), F.name("Wri Zhang")) == .tokenTypo, "wri is no syllable")
        #expect(Comparator.latinName(F.name("Lin Chen"), F.name("L1n Chen")) == .tokenTypo, "OCR: a digit")
        #expect(Comparator.latinName(F.name("Paul Smith"), F.name("Pail Smith")) == .tokenTypo)
        #expect(Comparator.latinName(F.name("Yong Wang"), F.name("Ying Wang")) != .tokenTypo, "two syllables: names")
        #expect(Comparator.isSyllable(Array("hui".utf8)) && Comparator.isSyllable(Array("lv".utf8)))
        #expect(!Comparator.isSyllable(Array("wri".utf8)) && !Comparator.isSyllable(Array("paul".utf8)))
        #expect(JaroWinkler.similarity("MARTHA", "MARHTA") > 0.96)
        #expect(abs(JaroWinkler.similarity("DIXON", "DICKSONX") - 0.8133) < 0.001)
    }

    @Test("birth date levels")
    func birthDateLevels() {
        func level(_ x: String, _ y: String) -> BirthDateLevel {
            Comparator.birthDate(F.normalized(F.record("a", birth: x)), F.normalized(F.record("b", birth: y)))
        }
        #expect(level("1990-05-06", "19900506") == .exact)
        #expect(level("1990/1/1", "1990-01-01") == .exactJanuaryFirst)
        #expect(level("1990-05-06", "1990-06-05") == .monthDaySwapped)
        #expect(level("1990-05-06", "1990-05-08") == .oneDigit)
        #expect(level("1990-05-06", "1990-03-28") == .lunarShift)
        #expect(level("1990-05-01", "1990-05-30") == .lunarShift)
        #expect(level("1990-05-06", "1990-09-30") == .withinOneYear)
        #expect(level("1990-05-06", "1975-11-30") == .different)
        #expect(level("1990-02-30", "1990-02-28") == .null, "an impossible date is not compared")
    }

    @Test("a birth date that is not a calendar date is compared by its digits (a typo), never as different")
    func malformedBirthDate() {
        func level(_ x: String?, _ y: String?) -> BirthDateLevel {
            Comparator.birthDate(F.normalized(F.record("a", birth: x)), F.normalized(F.record("b", birth: y)))
        }
        #expect(level("19650870", "1965-08-20") == .oneDigit, "one digit made the day impossible")
        #expect(level("1965-08-20", "19650870") == .oneDigit, "symmetric")
        #expect(level("20181317", "2018/10/17") == .oneDigit, "one digit made the month impossible")
        #expect(level("2018-13-17", "20181317") == .exact, "the same impossible digits in two forms")
        #expect(level("20181317", "20181318") == .oneDigit, "two impossible dates a digit apart")
        #expect(level("1990-02-30", "1990-02-28") == .null, "two digits apart: garbled, not different")
        #expect(level("19901345", "1975-11-30") == .null, "an impossible date never disagrees")
        #expect(level("19650870", nil) == .null)
        #expect(level("1965087", "1965-08-07") == .null, "not eight digits: nothing to compare")
        #expect(Normalizer.dateDigits("1965/8/70") == 19_650_870)
        #expect(Normalizer.dateDigits("1965-08-70") == 19_650_870)
        #expect(Normalizer.dateDigits("196508x0") == 0 && Normalizer.dateDigits("1965.08.20") == 0)
        #expect(Normalizer.dateDigits("65-08-20") == 0 && Normalizer.dateDigits("1965-08-20-1") == 0)
        // The record still reports the malformed date; the digits are not a birth date for anything else.
        var issues: [RecordIssue] = []
        let record = F.normalizer.normalize(F.record("a", birth: "19650870"), issues: &issues)
        #expect(issues.contains { $0.kind == .malformedDate && $0.field == "birthDate" })
        #expect(record.birthDate == 0 && record.malformedBirthDigits == 19_650_870)
    }

    @Test("a Latin name reduced to one token the other has is partial agreement, not another name")
    func latinOneToken() {
        #expect(Comparator.latinName(F.name("Zhu"), F.name("Zhu Taoguo")) == .jaroWinkler85)
        #expect(Comparator.latinName(F.name("Kaikai ZHOU"), F.name("Zhou")) == .jaroWinkler85)
        #expect(Comparator.latinName(F.name("Zhu"), F.name("Li Taoguo")) == .different)
        #expect(Comparator.latinName(F.name("Zhu Wei"), F.name("Zhu Taoguo")) == .different, "two tokens each")
        #expect(Comparator.latinName(F.name("Chen"), F.name("Chen De")) == .jaroWinkler92, "a closer level is kept")
    }

    @Test("phone, address and card levels")
    func otherLevels() {
        func pair(_ x: PersonRecord, _ y: PersonRecord) -> (NormalizedRecord, NormalizedRecord) {
            (F.normalized(x), F.normalized(y))
        }
        var (a, b) = pair(F.record("a", phone: "0086 138-1234-5678"), F.record("b", phone: "13812345678"))
        #expect(Comparator.phone(a, b) == .exact)
        (a, b) = pair(F.record("a", phone: "+44 7700 900123"), F.record("b", phone: "07700900123"))
        #expect(Comparator.phone(a, b) == .exact, "country code and trunk 0")
        (a, b) = pair(F.record("a", phone: "0044 7700 900123"), F.record("b", phone: "+44 (0)7700 900123"))
        #expect(Comparator.phone(a, b) == .exact)
        (a, b) = pair(F.record("a", phone: "+86 13812345678"), F.record("b", phone: "138 1234 5678"))
        #expect(Comparator.phone(a, b) == .exact, "+86 is not read as +8 or +1")
        (a, b) = pair(F.record("a", phone: "13812345678"), F.record("b", phone: "15912345678"))
        #expect(Comparator.phone(a, b) == .lastEight)
        (a, b) = pair(F.record("a", region: "110105"), F.record("b", region: "110108"))
        #expect(Comparator.address(a, b) == .sameCity)
        (a, b) = pair(F.record("a", region: "110105"), F.record("b", region: "120101"))
        #expect(Comparator.address(a, b) == .different)
        (a, b) = pair(
            F.record("a", address: "人民路 1 号", region: "110105"), F.record("b", address: "人民路1号", region: "110105"))
        #expect(Comparator.address(a, b) == .sameAddress)
        (a, b) = pair(
            F.record("a", cards: [("hosp-a", "a-1")]), F.record("b", cards: [("hosp-a", "A1"), ("hosp-b", "9")]))
        #expect(Comparator.identifier(a, b) == .exact)
        (a, b) = pair(F.record("a", cards: [("ni", "133666647")]), F.record("b", cards: [("ni", "133666674")]))
        #expect(Comparator.identifier(a, b) == .oneOrTwoEdits, "a transposition")
        (a, b) = pair(F.record("a", cards: [("ni", "133666647")]), F.record("b", cards: [("ni", "193666617")]))
        #expect(Comparator.identifier(a, b) == .oneOrTwoEdits, "two substitutions")
        (a, b) = pair(F.record("a", cards: [("ni", "133666647")]), F.record("b", cards: [("ni", "193566617")]))
        #expect(Comparator.identifier(a, b) == .different, "three edits")
        (a, b) = pair(F.record("a", cards: [("hosp-a", "A1")]), F.record("b", cards: [("hosp-b", "A1")]))
        #expect(Comparator.identifier(a, b) == .null, "values of different domains are not comparable")
    }
}
