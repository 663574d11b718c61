import Foundation
import Testing
@testable import HealthCardFoundation
@testable import ResidentCard


/// The terminal session against the virtual card and virtual SAM (health-card.md §6-§8).
@Suite("Terminal session")
struct TerminalSessionTests {
    @Test("without a SAM only DDF1/EF05 is read, and the rest says why")
    func samLess() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image(), withSAM: false)
        #expect(try await terminal.session.readIssuer() == VirtualTerminal.issuer)
        let contents = try await terminal.session.readCard()
        #expect(contents.issuer == VirtualTerminal.issuer && contents.holder == nil)
        #expect(contents.unavailable.first?.contains("SAM") == true)
        await #expect(throws: SessionError.self) { try await terminal.session.read(HolderRecord.self) }
    }

    @Test("a fresh card reads completely with the SAM")
    func freshCard() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image())
        let contents = try await terminal.session.readCard()
        #expect(contents.holder == VirtualTerminal.holder)
        #expect(contents.photo == nil && contents.allergies == [] && contents.outpatient == [])
        #expect(contents.payment == PaymentRecord())
    }

    @Test("every TLV record kind round-trips through secure messaging, field by field")
    func tlvWrites() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image())
        let session = terminal.session
        let payment = PaymentRecord(expiryDate: CalendarDate(year: 2034, month: 3, day: 1), phone1: "13800138000",
            phone2: "024-23456789", paymentMethod1: PaymentMethod(code: "01"), paymentMethod2: PaymentMethod(code: "07"))
        try await session.write(payment)
        let addresses = AddressRecord(type1: AddressType(code: "1"), address1: "辽宁省沈阳市和平区南京北街155号",
            type2: AddressType(code: "2"), address2: "北京市朝阳区建国路1号")
        try await session.write(addresses)
        let contacts = ContactsRecord(contacts: [
            .init(name: "张翠山", relation: FamilyRelation(code: "1"), phone: "13900139000"),
            .init(name: "殷素素", relation: FamilyRelation(code: "1"), phone: "13700137000"),
            .init(name: "张无忌", relation: FamilyRelation(code: "2"), phone: "13600136000"),
        ])
        try await session.write(contacts)
        let occupation = OccupationRecord(education: EducationLevel(code: "20"), maritalStatus: MaritalStatus(code: "20"), occupation: "2-0")
        try await session.write(occupation)
        let documents = DocumentsRecord(documentType: IdentityDocumentType(code: "01"), documentNumber: "11010519491231002X",
            healthRecordNumber: "21010000000000001", ncmsNumber: "210100000000000001")
        try await session.write(documents)
        var clinical = ClinicalRecord()
        clinical.bloodTypeABO = BloodTypeABO(code: "3")
        clinical.bloodTypeRh = BloodTypeRh(code: "1")
        clinical.diabetes = true
        clinical.pacemaker = false
        clinical.otherAlert = "青霉素过敏"
        try await session.write(clinical)
        try await session.write(SpecialRecord(psychiatric: false))

        #expect(try await session.read(PaymentRecord.self) == payment)
        #expect(try await session.read(AddressRecord.self) == addresses)
        #expect(try await session.read(ContactsRecord.self) == contacts)
        #expect(try await session.read(OccupationRecord.self) == occupation)
        #expect(try await session.read(DocumentsRecord.self) == documents)
        #expect(try await session.read(ClinicalRecord.self) == clinical)
        #expect(try await session.read(SpecialRecord.self) == SpecialRecord(psychiatric: false))

        // A fresh session on the same card image sees the same data.
        let again = try VirtualTerminal(image: terminal.image)
        let contents = try await again.session.readCard()
        #expect(contents.contacts == contacts && contents.clinical == clinical && contents.payment == payment)
    }

    @Test("the holder file is personalisation-only: a write is refused")
    func personalisationOnly() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image())
        await #expect(throws: HealthCardError.self) { try await terminal.session.write(VirtualTerminal.holder) }
    }

    @Test("cyclic files keep the newest records and wrap around")
    func cyclicWrap() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image())
        for n in 1...4 { try await terminal.session.addAllergy(AllergyRecord(allergen: "过敏原\(n)", reaction: "反应\(n)")) }
        #expect(try await terminal.session.readAllergies().map(\.allergen) == ["过敏原4", "过敏原3", "过敏原2"])
        for n in 1...12 {
            try await terminal.session.addImmunization(
                ImmunizationRecord(vaccine: "疫苗\(n)", date: CalendarDate(year: 2020, month: 1, day: n)))
        }
        let shots = try await terminal.session.readImmunizations()
        #expect(shots.count == 10)
        #expect(shots.first == ImmunizationRecord(vaccine: "疫苗12", date: CalendarDate(year: 2020, month: 1, day: 12)))
        #expect(shots.last?.vaccine == "疫苗3")
    }

    @Test("outpatient slots fill lowest first, a full card names its slots, erase frees a slot")
    func outpatientSlots() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image())
        let session = terminal.session
        for n in 1...5 {
            var visit = CardRecordCodecTests.visit
            visit.outpatientNumber = "MZ\(n)"
            #expect(try await session.writeOutpatient(visit) == n)
        }
        do {
            try await session.writeOutpatient(CardRecordCodecTests.visit)
            Issue.record("a sixth visit must not fit")
        } catch let error as SessionError {
            #expect(error.description.contains("ED01, ED02, ED03, ED04, ED05"))
        }
        try await session.erase(.outpatient, slot: 2)
        #expect(try await session.occupiedSlots(.outpatient) == [true, false, true, true, true])
        var visit = CardRecordCodecTests.visit
        visit.outpatientNumber = "MZ-new"
        #expect(try await session.writeOutpatient(visit) == 2)
        let slots = try #require(try await session.readCard().outpatient)
        #expect(slots.map(\.record.outpatientNumber) == ["MZ1", "MZ-new", "MZ3", "MZ4", "MZ5"])
        #expect(slots.allSatisfy { $0.signatureValid == true })
        #expect(slots[1].record.signature?.bytes.count == 64 && slots[1].record.samCertificate?.bytes.count == 190)
        var expected = visit
        expected.signature = slots[1].record.signature
        expected.samCertificate = slots[1].record.samCertificate
        #expect(slots[1].record == expected, "field by field")
    }

    @Test("inpatient records: three slots, signed, field by field")
    func inpatient() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image())
        var stay = InpatientRecord(institutionName: "中国医科大学附属第一医院", admissionDate: CalendarDate(year: 2026, month: 10, day: 1),
            diagnoses: [.init(diagnosisName: "急性阑尾炎", diagnosisCode: "K35.900")],
            costs: [.init(category: "手术费", categoryCode: "1", amount: Money("3000.00"))])
        stay.totalCost = Money("8123.45")
        for _ in 1...3 { try await terminal.session.writeInpatient(stay) }
        await #expect(throws: SessionError.self) { try await terminal.session.writeInpatient(stay) }
        let read = try #require(try await terminal.session.readInpatient(slot: 3))
        #expect(read.signatureValid == true)
        #expect(read.record.totalCost == Money("8123.45") && read.record.diagnoses == stay.diagnoses)
    }

    @Test("the card over T=0: 61xx and GET RESPONSE through T0Channel")
    func t0Card() async throws {
        let terminal = try VirtualTerminal(image: VirtualTerminal.image(), usesT0: true)
        try await terminal.session.writeOutpatient(CardRecordCodecTests.visit)
        let contents = try await terminal.session.readCard()
        #expect(contents.holder == VirtualTerminal.holder && contents.outpatient?.count == 1)
    }

    @Test("the public trace's DDF1/EF05 records decode to the values the spec lists")
    func traceRecords() throws {
        // health-card.md §4.1: 01 01 31 = "1"; 02 04 30303032 = "0002"; "LiaoNing" + 00…; 20130401; "000"; 210000.
        let records: [[UInt8]] = [
            [0x01, 0x01, 0x31], [0x02, 0x04, 0x30, 0x30, 0x30, 0x32],
            [0x03, 0x1E] + Array("LiaoNing".utf8) + [UInt8](repeating: 0, count: 22),
            [0x04, 0x0B] + [UInt8](repeating: 0xFF, count: 11), [0x05, 0xB4] + [UInt8](repeating: 0xA5, count: 180),
            [0x06, 0x04, 0x20, 0x13, 0x04, 0x01], [0x08, 0x12] + Array("11010519491231002X".utf8),
            [0x09, 0x03, 0x30, 0x30, 0x30], [0x0A, 0x0A] + Array("0123456789".utf8), [0x39, 0x03, 0x21, 0x00, 0x00],
        ]
        let issuer = try CardRecordCodec.decodeTLVRecords(records, as: IssuerRecord.self)
        #expect(issuer.cardType?.code == "1")
        #expect(issuer.specVersion == "0002")
        #expect(issuer.issuerName == "LiaoNing")
        #expect(issuer.issuerCode == nil)
        #expect(issuer.issueDate == CalendarDate(year: 2013, month: 4, day: 1))
        #expect(issuer.securityCode == "000")
        #expect(issuer.cityCode == "210000")
        #expect(try regionalFactor(cityCode: issuer.cityCode!) == [0x32, 0x31, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30])
        #expect(issuer.issuerCertificate?.bytes.count == 180)
    }
}
