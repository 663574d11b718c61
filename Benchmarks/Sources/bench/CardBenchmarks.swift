import Foundation
import HealthCardCore

/// Issue 3 item 9: APDUs for a full card read and an outpatient write, this library against the
/// vendor SDK's access pattern, on the same virtual card, plus in-process wall time.
enum CardBenchmarks {
    static let holder = HolderRecord(
        name: "张三丰", sex: .male, ethnicity: Ethnicity(code: "01"), birthDate: CalendarDate(year: 1949, month: 12, day: 31),
        idNumber: "11010519491231002X")
    static let issuer = IssuerRecord(
        cardType: CardType(code: "1"), specVersion: "0002", issuerName: "Benchmark issuer", issueDate: CalendarDate(year: 2024, month: 1, day: 1),
        cardNumber: "11010519491231002X", securityCode: "000", chipSerial: "0000000001", cityCode: "110100")
    static let visit = OutpatientRecord(
        institutionName: "北京协和医院", institutionCode: "40000591-7", visitTime: CalendarDateTime(compact: "20261122093000"),
        outpatientNumber: "MZ20261122001", department: "内科", paymentMethod: PaymentMethod(code: "01"),
        symptoms: [.init(symptomName: "发热", diagnosisName: "上呼吸道感染", diagnosisCode: "J06.900")],
        fees: [.init(category: "西药费", amount: Money("35.50"))])

    struct Terminal {
        let card: EmulatedCardChannel<VirtualCard>
        let traced: TracingChannel<EmulatedCardChannel<VirtualCard>>
        let samTraced: TracingChannel<EmulatedCardChannel<VirtualSAM>>
        let sam: APDUSecureAccessModule<TracingChannel<EmulatedCardChannel<VirtualSAM>>>
        let session: TerminalSession
    }

    static func terminal(_ image: CardImage) throws -> Terminal {
        let card = EmulatedCardChannel(VirtualCard(image: image))
        let traced = TracingChannel(card) { _ in }
        let samTraced = TracingChannel(EmulatedCardChannel(try VirtualSAM.test())) { _ in }
        let sam = APDUSecureAccessModule(channel: samTraced)
        var configuration = TerminalSession.Configuration()
        configuration.samPIN = VirtualSAM.testPIN
        let session = TerminalSession(card: traced, atr: try card.answerToReset, sam: sam, configuration: configuration)
        return Terminal(card: card, traced: traced, samTraced: samTraced, sam: sam, session: session)
    }

    static func run() async throws {
        // A card with two visits and a stay, so reads include encounter files.
        let setup = try terminal(try CardPersonalization(issuer: issuer, holder: holder).makeImage())
        try await setup.session.writeOutpatient(visit)
        try await setup.session.writeOutpatient(visit)
        try await setup.session.writeInpatient(InpatientRecord(institutionName: "医院", diagnoses: [.init(diagnosisName: "阑尾炎")]))
        let image = setup.card.card.image

        let ours = try terminal(image)
        _ = try await ours.session.readCard()
        let oursRead = (ours.traced.apduCount, ours.samTraced.apduCount)

        let vendor = try terminal(image)
        try await vendor.sam.verifyPIN(VirtualSAM.testPIN)
        let vendorReader = VendorStyleReader(card: vendor.traced, sam: vendor.sam, atr: try vendor.card.answerToReset, cityCode: "110100")
        _ = try await vendorReader.readCard()
        let vendorRead = (vendor.traced.apduCount, vendor.samTraced.apduCount)

        let writer = try terminal(image)
        try await writer.session.writeOutpatient(visit)
        let oursWrite = (writer.traced.apduCount, writer.samTraced.apduCount)
        // The SDK writes 3013 + 254 bytes in 0x80 chunks after the same index and auth steps:
        // ceil(3267 / 128) = 26 UPDATE BINARY instead of ceil(3267 / 255) = 13, and re-selects per step.
        let vendorWriteEstimate = oursWrite.0 - 13 + 26 + 6

        printTable("Card APDUs (same virtual card: 2 outpatient, 1 inpatient record)", [
            ["operation", "HealthCardKit card APDUs", "SAM APDUs", "vendor-SDK pattern card APDUs", "SAM APDUs"],
            ["full card read", "\(oursRead.0)", "\(oursRead.1)", "\(vendorRead.0)", "\(vendorRead.1)"],
            ["outpatient write (+ read-back)", "\(oursWrite.0)", "\(oursWrite.1)", "~\(vendorWriteEstimate) (estimate)", "—"],
        ])

        let read = try await measure("full read") {
            let t = try terminal(image)
            _ = try await t.session.readCard()
        }
        let write = try await measure("outpatient write") {
            let t = try terminal(image)
            try await t.session.writeOutpatient(visit)
        }
        let encode = try await measure("outpatient encode+decode", operations: 100) {
            for _ in 0..<100 {
                let bytes = try CardRecordCodec.encodeFixed(visit)
                _ = try CardRecordCodec.decodeFixed(bytes, as: OutpatientRecord.self)
            }
        }
        printTable("Card, in process (virtual card + virtual SAM)", [
            ["operation", "median", "per second"],
            ["full card read (session)", pretty(read.median), format(read.perSecond)],
            ["outpatient write incl. SM2 signature and read-back", pretty(write.median), format(write.perSecond)],
            ["outpatient record encode + decode (layout codec)", pretty(encode.median / 100), format(encode.perSecond)],
        ])
    }
}
