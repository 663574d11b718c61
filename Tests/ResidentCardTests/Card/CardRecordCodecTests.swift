import Foundation
import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// Every record kind through the layout-driven codec, field by field, both directions.
@Suite("Card record codec")
struct CardRecordCodecTests {
    static let holder = HolderRecord(
        name: "张三丰", sex: .male, ethnicity: Ethnicity(code: "01"), birthDate: CalendarDate(year: 1949, month: 12, day: 31),
        idNumber: "11010519491231002X")

    @Test("holder round trip with a GBK name, a b-coded sex and a BCD date")
    func holderRoundTrip() throws {
        let records = try CardRecordCodec.encodeTLVRecords(Self.holder)
        #expect(records.count == 5)
        #expect(Hex.encode(records[0].prefix(8)) == "0B1E D5C5 C8FD B7E1".replacingOccurrences(of: " ", with: ""))
        #expect(records[0].count == 32 && records[0].suffix(24).allSatisfy { $0 == 0 })
        #expect(records[1] == [0x0C, 0x01, 0x01])
        #expect(records[2] == [0x0D, 0x01, 0x01])
        #expect(records[3] == [0x0E, 0x04, 0x19, 0x49, 0x12, 0x31])
        #expect(try CardRecordCodec.decodeTLVRecords(records, as: HolderRecord.self) == Self.holder)
    }

    @Test("issuer data as the trace shows it: card type '1', version '0002', city 210000")
    func issuer() throws {
        let issuer = IssuerRecord(
            cardType: CardType(code: "1"), specVersion: "0002", issuerName: "LiaoNing", issueDate: CalendarDate(year: 2013, month: 4, day: 1),
            cardNumber: "11010519491231002X", securityCode: "000", chipSerial: "0123456789", cityCode: "210000")
        let records = try CardRecordCodec.encodeTLVRecords(issuer)
        #expect(records[0] == [0x01, 0x01, 0x31])
        #expect(records[1] == [0x02, 0x04, 0x30, 0x30, 0x30, 0x32])
        #expect(records[5] == [0x06, 0x04, 0x20, 0x13, 0x04, 0x01])
        #expect(records[9] == [0x39, 0x03, 0x21, 0x00, 0x00])
        #expect(records[4].count == 182 && records[4].dropFirst(2).allSatisfy { $0 == 0xFF }, "no certificate: FF")
        #expect(try CardRecordCodec.decodeTLVRecords(records, as: IssuerRecord.self) == issuer)
    }

    @Test("contacts are numbered fields that read back as an array")
    func contacts() throws {
        let record = ContactsRecord(contacts: [
            .init(name: "李四", relation: FamilyRelation(code: "1"), phone: "13800138000"),
            .init(name: "王五", phone: "010-12345678"),
        ])
        let records = try CardRecordCodec.encodeTLVRecords(record)
        #expect(records.count == 9)
        #expect(records[3].prefix(2) == [0x1C, 0x1E])
        #expect(records[4] == [0x1D, 0x01, 0xFF], "no relation: FF")
        #expect(try CardRecordCodec.decodeTLVRecords(records, as: ContactsRecord.self) == record)
        let tooMany = ContactsRecord(contacts: Array(repeating: .init(name: "x"), count: 4))
        #expect(throws: HealthCardError.valueTooLong("")) { try CardRecordCodec.encodeTLVRecords(tooMany) }
    }

    @Test("clinical flags, blood types and the other TLV files round-trip")
    func otherTLVFiles() throws {
        var clinical = ClinicalRecord()
        clinical.bloodTypeABO = BloodTypeABO(code: "4")
        clinical.bloodTypeRh = BloodTypeRh(code: "1")
        clinical.asthma = true
        clinical.diabetes = false
        clinical.otherAlert = "青霉素过敏"
        let records = try CardRecordCodec.encodeTLVRecords(clinical)
        #expect(records[0] == [0x29, 0x01, 0x04])
        #expect(records[1] == [0x2A, 0x01, 0x1F])
        #expect(records[2] == [0x2B, 0x01, 0x01])
        #expect(records[3] == [0x2C, 0x01, 0xFF])
        #expect(records[7] == [0x30, 0x01, 0x00])
        #expect(try CardRecordCodec.decodeTLVRecords(records, as: ClinicalRecord.self) == clinical)

        let payment = PaymentRecord(expiryDate: CalendarDate(year: 2033, month: 4, day: 1), phone1: "13800138000",
            paymentMethod1: PaymentMethod(code: "01"))
        #expect(try CardRecordCodec.decodeTLVRecords(try CardRecordCodec.encodeTLVRecords(payment), as: PaymentRecord.self) == payment)
        let address = AddressRecord(type1: AddressType(code: "1"), address1: "辽宁省沈阳市和平区南京北街1号")
        let addressRecords = try CardRecordCodec.encodeTLVRecords(address)
        #expect(addressRecords[0] == [0x15, 0x01, 0x1F], "the trace's 1F")
        #expect(try CardRecordCodec.decodeTLVRecords(addressRecords, as: AddressRecord.self) == address)
        let occupation = OccupationRecord(education: EducationLevel(code: "20"), maritalStatus: .init(code: "20"), occupation: "X00")
        #expect(try CardRecordCodec.decodeTLVRecords(try CardRecordCodec.encodeTLVRecords(occupation), as: OccupationRecord.self) == occupation)
        let documents = DocumentsRecord(documentType: IdentityDocumentType(code: "01"), documentNumber: "11010519491231002X")
        #expect(try CardRecordCodec.decodeTLVRecords(try CardRecordCodec.encodeTLVRecords(documents), as: DocumentsRecord.self) == documents)
        let special = SpecialRecord(psychiatric: false)
        #expect(try CardRecordCodec.decodeTLVRecords(try CardRecordCodec.encodeTLVRecords(special), as: SpecialRecord.self) == special)
    }

    @Test("cyclic records: allergy and immunization")
    func cyclic() throws {
        let allergy = AllergyRecord(allergen: "青霉素", reaction: "皮疹，呼吸困难")
        let bytes = try CardRecordCodec.encodeFixed(allergy)
        #expect(bytes.count == 120)
        #expect(try CardRecordCodec.decodeFixed(bytes, as: AllergyRecord.self) == allergy)
        let shot = ImmunizationRecord(vaccine: "乙肝疫苗", date: CalendarDate(year: 2020, month: 5, day: 6))
        let shotBytes = try CardRecordCodec.encodeFixed(shot)
        #expect(shotBytes.count == 24 && Array(shotBytes[20...]) == [0x20, 0x20, 0x05, 0x06])
        #expect(try CardRecordCodec.decodeFixed(shotBytes, as: ImmunizationRecord.self) == shot)
    }

    static let visit = OutpatientRecord(
        institutionName: "北京协和医院", institutionCode: "40000591-7", visitTime: CalendarDateTime(compact: "20261122093000"),
        outpatientNumber: "MZ20261122001", department: "内科", paymentMethod: PaymentMethod(code: "01"),
        symptoms: [
            .init(symptomName: "发热", diagnosisDate: CalendarDate(year: 2026, month: 11, day: 22), diagnosisName: "上呼吸道感染",
                diagnosisCode: "J06.900", onsetTime: CalendarDateTime(compact: "20261121200000"), durationMinutes: "60")
        ],
        examinations: [.init(name: "血常规", result: ExamResult(code: "2"), quantitative: "123", unit: "g/L", itemCode: "718-7")],
        drugs: [.init(name: "对乙酰氨基酚片", dosageForm: DosageForm(code: "1"), days: "3", frequency: "tid", doseUnit: "mg",
            singleDose: "500", totalDose: "4500", route: MedicationRoute(code: "1"))],
        procedures: [.init(name: "静脉采血", code: "38.99", date: CalendarDate(year: 2026, month: 11, day: 22))],
        fees: [.init(category: "西药费", categoryCode: OutpatientFeeCategory(code: "1"), amount: Money("35.50")),
            .init(category: "检查费", amount: Money("120"))])

    @Test("outpatient record round trip, groups compacted, offsets as appendix B")
    func outpatient() throws {
        let bytes = try CardRecordCodec.encodeFixed(Self.visit)
        #expect(bytes.count == 3267)
        #expect(Array(bytes[80..<87]) == [0x20, 0x26, 0x11, 0x22, 0x09, 0x30, 0x00])
        #expect(Array(bytes[281..<331]).allSatisfy { $0 == 0 }, "second symptom never written")
        #expect(Array(bytes[3013...]).allSatisfy { $0 == 0xFF }, "no signature or certificate yet")
        let back = try CardRecordCodec.decodeFixed(bytes, as: OutpatientRecord.self)
        #expect(back == Self.visit)
        #expect(back.fees[0].amount?.description == "35.50")
    }

    @Test("inpatient record round trip")
    func inpatient() throws {
        var stay = InpatientRecord(
            institutionName: "中国医科大学附属第一医院", institutionCode: "12210000", admissionDate: CalendarDate(year: 2026, month: 10, day: 1),
            medicalRecordNumber: "BA0001",
            diagnoses: [.init(diagnosisName: "急性阑尾炎", diagnosisCode: "K35.900", confirmedDate: CalendarDate(year: 2026, month: 10, day: 1))],
            transfusions: [.init(product: TransfusionProduct(code: "1"), amount: "200", unit: "mL")],
            costs: [.init(category: "手术费", categoryCode: "1", amount: Money("3000.00"))])
        stay.dischargeDate = CalendarDate(year: 2026, month: 10, day: 8)
        stay.lengthOfStay = "7"
        stay.autopsy = false
        stay.totalCost = Money("8123.45")
        let bytes = try CardRecordCodec.encodeFixed(stay)
        #expect(bytes.count == 1893)
        #expect(try CardRecordCodec.decodeFixed(bytes, as: InpatientRecord.self) == stay)
    }

    @Test("errors name the file, the field and what is wrong")
    func errors() throws {
        let tooLong = HolderRecord(name: String(repeating: "张", count: 16))
        do {
            _ = try CardRecordCodec.encodeTLVRecords(tooLong)
            Issue.record("expected an error")
        } catch let error as HealthCardError {
            #expect(error.code == .valueTooLong)
            #expect(error.reason.hasPrefix("DDF1/EF06 field name (姓名)"))
        }
        var records = try CardRecordCodec.encodeTLVRecords(Self.holder)
        records[3] = [0x0E, 0x04, 0x19, 0x49, 0x1A, 0x31]
        do {
            _ = try CardRecordCodec.decodeTLVRecords(records, as: HolderRecord.self)
            Issue.record("expected an error")
        } catch let error as HealthCardError {
            #expect(error.code == .invalidEncoding)
            #expect(error.reason.hasPrefix("DDF1/EF06 record 4 (birthDate)"))
        }
        records[3] = [0x0E, 0x04, 0x19]
        #expect(throws: HealthCardError.truncated("")) { try CardRecordCodec.decodeTLVRecords(records, as: HolderRecord.self) }
        #expect(throws: HealthCardError.truncated("")) { try CardRecordCodec.decodeFixed([UInt8](repeating: 0, count: 100), as: OutpatientRecord.self) }
        let sixFees = OutpatientRecord(fees: Array(repeating: .init(category: "x"), count: 11))
        #expect(throws: HealthCardError.valueTooLong("")) { try CardRecordCodec.encodeFixed(sixFees) }
    }

    @Test("records read from hand-written JSON may leave out groups")
    func handWrittenJSON() throws {
        let json = #"{"institutionName": "社区医院", "visitTime": "2026-11-22T09:30:00", "paymentMethod": "7"}"#
        let visit = try OutpatientRecord.fromJSON(Data(json.utf8))
        #expect(visit.institutionName == "社区医院" && visit.symptoms.isEmpty)
        #expect(visit.paymentMethod?.code == "7")
        let out = String(decoding: try visit.jsonData(), as: UTF8.self)
        #expect(out.contains(#""visitTime" : "2026-11-22T09:30:00""#))
    }
}
