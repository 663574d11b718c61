import Foundation
import Testing
@testable import HealthCardFoundation


@Suite("National code tables")
struct CodeTableTests {
    // MARK: - Every table

    @Test("the registry lists every table once")
    func registry() {
        let names = CodeTables.all.map { String(describing: $0) }
        #expect(names.count == 21)
        #expect(Set(names).count == names.count)
        #expect(names.contains("EthnicityTable"))
        #expect(names.contains("MedicationRouteTable"))
        #expect(CodeTables.table(named: "ethnicity") == EthnicityTable.self)
        #expect(CodeTables.table(named: "PaymentMethodTable") == PaymentMethodTable.self)
        #expect(CodeTables.table(named: "no such table") == nil)
    }

    @Test("codes are unique digit strings, names are non-empty", arguments: CodeTables.all)
    func wellFormed(table: any CodeTable.Type) {
        #expect(!table.standard.isEmpty)
        #expect(!table.subject.isEmpty)
        #expect(!table.entries.isEmpty)
        let codes = table.entries.map(\.code)
        #expect(Set(codes).count == codes.count, "duplicate code in \(table.standard)")
        for entry in table.entries {
            let isNumeric = !entry.code.isEmpty && entry.code.allSatisfy { $0.isASCII && $0.isNumber }
            #expect(isNumeric, "\(entry.code) is not numeric")
            #expect(!entry.name.isEmpty, "\(entry.code) has no name")
            #expect(!entry.english.isEmpty, "\(entry.code) has no English gloss")
        }
        let alternates = table.entries.compactMap(\.alternateCode)
        #expect(Set(alternates).count == alternates.count)
        #expect(Set(alternates).isDisjoint(with: codes))
    }

    @Test("every entry is found by its own code and its alternate code", arguments: CodeTables.all)
    func exactLookup(table: any CodeTable.Type) {
        for entry in table.entries {
            #expect(table.entry(for: entry.code) == entry)
            if let alternate = entry.alternateCode {
                #expect(table.entry(for: alternate) == entry)
            }
        }
    }

    /// The widest code each table's card field can hold: a `cn` byte holds 2 digits, the route's 2 `cn` bytes hold 4,
    /// the card type is 1 `ans` byte, and sex and ABO are `b` bytes holding one small number.
    @Test(
        "codes fit the card field",
        arguments: [
            (SexTable.self, 1), (EthnicityTable.self, 2), (MaritalStatusTable.self, 2), (EducationLevelTable.self, 2),
            (IdentityDocumentTypeTable.self, 2), (FamilyRelationTable.self, 2), (AddressTypeTable.self, 1),
            (CardTypeTable.self, 1), (PaymentMethodTable.self, 2), (BloodTypeABOTable.self, 1),
            (BloodTypeRhTable.self, 2), (SerologyTestTable.self, 2), (SerologyResultTable.self, 2),
            (TreatmentOutcomeTable.self, 2), (AnaesthesiaMethodTable.self, 2), (WoundHealingGradeTable.self, 2),
            (TransfusionProductTable.self, 2), (ExamResultTable.self, 2), (DosageFormTable.self, 2),
            (MedicationRouteTable.self, 4), (OutpatientFeeCategoryTable.self, 2),
        ] as [(any CodeTable.Type, Int)])
    func fitsCardField(table: any CodeTable.Type, digits: Int) {
        for entry in table.entries {
            #expect(entry.code.count <= digits, "\(entry.code) does not fit \(digits) digits")
        }
    }

    @Test("a code no table lists is kept as an explicit unknown", arguments: CodeTables.all)
    func unknownEverywhere(table: any CodeTable.Type) {
        func check<T: CodeTable>(_: T.Type) {
            let value = CodedValue<T>(code: "X7")
            #expect(!value.isKnown)
            #expect(value.entry == nil)
            #expect(value.code == "X7")
            #expect(value.name == "unknown code X7")
            #expect(value.description == "unknown code X7 (\(T.standard) \(T.subject))")
        }
        check(table)
    }

    // MARK: - GB 3304

    @Test("GB 3304 has 01–56 with distinct two-letter codes, plus 97 and 98")
    func ethnicityShape() {
        let entries = EthnicityTable.entries
        let expectedCodes = (1...56).map { $0 < 10 ? "0\($0)" : "\($0)" } + ["97", "98"]
        #expect(entries.map(\.code) == expectedCodes)
        let numbered = entries.prefix(56)
        let letters = numbered.compactMap(\.alternateCode)
        #expect(letters.count == 56)
        #expect(Set(letters).count == 56)
        for letter in letters {
            let isTwoCapitals = letter.count == 2 && letter.allSatisfy { $0.isASCII && $0.isUppercase }
            #expect(isTwoCapitals, "bad letter code \(letter)")
        }
        #expect(entries.suffix(2).allSatisfy { $0.alternateCode == nil })
        #expect(Ethnicity.allKnown.count == 58)
    }

    @Test(
        "GB 3304 spot checks",
        arguments: [
            ("01", "HA", "汉族"), ("04", "ZA", "藏族"), ("05", "UG", "维吾尔族"), ("10", "CS", "朝鲜族"),
            ("21", "VA", "佤族"), ("28", "JP", "景颇族"), ("29", "KG", "柯尔克孜族"), ("31", "DU", "达斡尔族"),
            ("41", "TA", "塔吉克族"), ("49", "GI", "京族"), ("52", "OR", "鄂伦春族"), ("56", "JN", "基诺族"),
        ])
    func ethnicitySpotChecks(code: String, letters: String, name: String) {
        #expect(Ethnicity(code: code).name == name)
        #expect(Ethnicity(code: letters).name == name)
        #expect(Ethnicity(code: letters).entry?.code == code)
    }

    @Test("lookups by letter code, by 1-digit code and by named value")
    func ethnicityLookups() {
        #expect(Ethnicity(code: "HA").name == "汉族")
        #expect(Ethnicity(code: "HA").isKnown)
        #expect(Ethnicity(code: "1").name == "汉族")
        #expect(Ethnicity(code: "98").name == "外国血统中国籍人士")
        #expect(Ethnicity.han.code == "01")
        #expect(Ethnicity.han.description == "01 汉族 (Han)")
        #expect(Ethnicity(code: "ha").isKnown == false)
    }

    // MARK: - Lenient lookup

    @Test(
        "1-digit codes find their 2-digit rows",
        arguments: [
            ("1", "01", "城镇职工基本医疗保险"), ("3", "03", "新型农村合作医疗"), ("7", "07", "全自费"),
            ("8", "08", "其他社会保险"), ("9", "9", "其他"), ("99", "99", "其他"),
        ])
    func paymentLenient(input: String, row: String, name: String) {
        let value = PaymentMethod(code: input)
        #expect(value.entry?.code == row)
        #expect(value.name == name)
        #expect(value.code == input, "the stored code must stay as read")
    }

    @Test("other tables' lenient lookups")
    func otherLenient() {
        #expect(IdentityDocumentType(code: "1").name == "居民身份证")
        #expect(IdentityDocumentType(code: "5").name == "驾驶证")
        #expect(OutpatientFeeCategory(code: "1").name == "挂号费")
        #expect(DosageForm(code: "1").name == "片剂")
        #expect(DosageForm(code: "19").name == "胶囊剂")
        #expect(CardType(code: "01").name == "普通卡")
    }

    @Test("1-digit and 2-digit editions share a table without clashing")
    func mixedEditions() {
        #expect(FamilyRelation(code: "1").name == "配偶")
        #expect(FamilyRelation(code: "01").name == "本人")
        #expect(FamilyRelation(code: "10").name == "配偶")
        #expect(FamilyRelation(code: "2").name == "子")
        #expect(FamilyRelation(code: "02").name == "户主")
        #expect(FamilyRelation(code: "99").name == "非亲属")
        #expect(FamilyRelation.father.name == "父亲")
        #expect(EducationLevel(code: "1").name == "研究生")
        #expect(EducationLevel(code: "10").name == "研究生教育")
        #expect(EducationLevel(code: "9").name == "文盲或半文盲")
        #expect(EducationLevel(code: "90").name == "其他")
    }

    @Test(
        "named values carry the standard's codes",
        arguments: [
            (MaritalStatus.married.code, "20", MaritalStatus.married.name, "已婚"),
            (MaritalStatus.notStated.code, "90", MaritalStatus.notStated.name, "未说明的婚姻状况"),
            (BloodTypeABO.ab.code, "4", BloodTypeABO.ab.name, "AB型"),
            (BloodTypeRh.positive.code, "1", BloodTypeRh.positive.name, "Rh阳性"),
            (BloodTypeRh.negative.code, "2", BloodTypeRh.negative.name, "Rh阴性"),
            (MedicationRoute.subcutaneous.code, "401", MedicationRoute.subcutaneous.name, "皮下注射"),
            (MedicationRoute.intravenous.code, "404", MedicationRoute.intravenous.name, "静脉注射或静脉滴注"),
            (AnaesthesiaMethod.epidural.code, "22", AnaesthesiaMethod.epidural.name, "硬脊膜外腔阻滞麻醉"),
            (TreatmentOutcome.died.code, "5", TreatmentOutcome.died.name, "死亡"),
            (TransfusionProduct.wholeBlood.code, "4", TransfusionProduct.wholeBlood.name, "全血"),
            (SerologyTest.hivAb.code, "2", SerologyTest.hivAb.name, "HIV-Ab"),
            (SerologyResult.notDone.code, "0", SerologyResult.notDone.name, "未做"),
            (ExamResult.normal.code, "2", ExamResult.normal.name, "正常"),
            (WoundHealingGrade.gradeC.code, "3", WoundHealingGrade.gradeC.name, "丙"),
            (AddressType.current.code, "2", AddressType.current.name, "现居住地址"),
            (CardType.advanced.code, "2", CardType.advanced.name, "高级卡"),
        ])
    func namedValues(code: String, expectedCode: String, name: String, expectedName: String) {
        #expect(code == expectedCode)
        #expect(name == expectedName)
    }

    // MARK: - Unknown codes

    @Test("unknown codes say so, with the table's standard")
    func unknownCodes() {
        let ethnicity = Ethnicity(code: "77")
        #expect(ethnicity.isKnown == false)
        #expect(ethnicity.name == "unknown code 77")
        #expect(ethnicity.description.contains("unknown code 77"))
        #expect(ethnicity.description == "unknown code 77 (GB 3304-1991 ethnicity)")
        #expect(PaymentMethod(code: "77").isKnown == false)
        #expect(PaymentMethod(code: "77").description.contains("unknown code 77"))
        #expect(BloodTypeABO(code: "77").description == "unknown code 77 (WS 364.9-2011 CV04.50.005 ABO blood group)")
        #expect(MedicationRoute(code: "405").isKnown == false)
        #expect(FamilyRelation(code: "98").isKnown == false)
    }

    // MARK: - JSON

    private struct Holder: Codable, Equatable {
        var ethnicity: Ethnicity
        var payment: PaymentMethod
    }

    private func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test("encodes as code and name")
    func encodes() throws {
        #expect(try encode(MaritalStatus.married) == #"{"code":"20","name":"已婚"}"#)
        #expect(try encode(Ethnicity(code: "HA")) == #"{"code":"HA","name":"汉族"}"#)
        #expect(try encode(Ethnicity(code: "77")) == #"{"code":"77","name":"unknown code 77"}"#)
    }

    @Test("decodes from a bare string, a bare number and an object")
    func decodes() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(Sex.self, from: Data(#""2""#.utf8)) == .female)
        #expect(try decoder.decode(Sex.self, from: Data("2".utf8)) == .female)
        #expect(try decoder.decode(Sex.self, from: Data(#"{"code":"2","name":"女性"}"#.utf8)) == .female)
        // The name is informative only: the code decides.
        #expect(try decoder.decode(Sex.self, from: Data(#"{"code":"2","name":"x"}"#.utf8)).name == "女性")
        #expect(throws: DecodingError.self) { try decoder.decode(Sex.self, from: Data(#"{"name":"女性"}"#.utf8)) }
    }

    @Test("round trips through JSON, unknown codes included")
    func roundTrip() throws {
        for holder in [
            Holder(ethnicity: .han, payment: .selfPaid),
            Holder(ethnicity: Ethnicity(code: "77"), payment: PaymentMethod(code: "1")),
        ] {
            let json = try encode(holder)
            let back = try JSONDecoder().decode(Holder.self, from: Data(json.utf8))
            #expect(back == holder)
            #expect(back.payment.code == holder.payment.code)
        }
        let short = try JSONDecoder().decode(Holder.self, from: Data(#"{"ethnicity":"HA","payment":"1"}"#.utf8))
        #expect(short.ethnicity.name == "汉族")
        #expect(short.payment.name == "城镇职工基本医疗保险")
        let expected = #"{"ethnicity":{"code":"HA","name":"汉族"},"payment":{"code":"1","name":"城镇职工基本医疗保险"}}"#
        #expect(try encode(short) == expected)
    }
}
