import Foundation
import HealthCardFoundation
import PersonalHealthCode
import Testing
import ScanRegistration

@Suite("Registration store: queries, masked exports, retention with an audit entry, store kinds")
struct RegistrationStoreTests {
    static let now = RegistrationFixture.now

    func registerTwo(_ f: RegistrationFixture) async throws {
        try f.addSites()
        _ = try f.enrol(RegistrationFixture.adult, name: "王芳")
        let values: [String: JSONValue] = ["temperature": 38.0, "residence": "海口"]
        for (offset, site) in [(-40 * 86_400.0, "FC1"), (-86_400.0, "FC1")] {
            let outcome = try await f.desk(clock: Self.now.addingTimeInterval(offset)).register(
                RegistrationRequest(site: site, operatorID: "n1", form: "fever-clinic", credential: .idNumber(RegistrationFixture.adult), values: values))
            guard case .stored = outcome else {
                Issue.record("\(outcome)")
                return
            }
        }
        let passage = try await f.desk().register(
            RegistrationRequest(
                site: "CP1", operatorID: "guard-1", form: "checkpoint-passage", credential: .idNumber(RegistrationFixture.child),
                values: ["direction": "in", "reason": "返家", "temperature": 36.4, "plate": "琼A12345"]))
        guard case .stored = passage else {
            Issue.record("\(passage)")
            return
        }
    }

    @Test("queries per scenario and site; exports mask ID numbers unless asked")
    func exports() async throws {
        let f = try RegistrationFixture()
        try await registerTwo(f)
        #expect(try f.registrations.registrations(matching: RegistrationFilter(site: "FC1")).count == 2)
        #expect(try f.registrations.registrations(matching: RegistrationFilter(form: "checkpoint-passage")).count == 1)
        #expect(try f.registrations.registrations(matching: RegistrationFilter(from: Self.now.addingTimeInterval(-2 * 86_400))).count == 2)
        let masked = f.directory.appendingPathComponent("masked.csv").path
        #expect(try f.registrations.export(matching: RegistrationFilter(), to: masked, format: .csv, unmasked: false) == 3)
        let text = String(decoding: try AtomicFile.read(masked), as: UTF8.self)
        #expect(!text.contains(RegistrationFixture.adult))
        #expect(!text.contains(RegistrationFixture.child))
        #expect(text.contains("460106********"))
        #expect(text.hasPrefix("id,time,site,operator,form,formVersion,credential,holder,idNumber,colour,fields,events\r\n"))
        let full = f.directory.appendingPathComponent("full.json").path
        try f.registrations.export(matching: RegistrationFilter(site: "CP1"), to: full, format: .json, unmasked: true)
        let json = String(decoding: try AtomicFile.read(full), as: UTF8.self)
        #expect(json.contains(RegistrationFixture.child))
        #expect(try AtomicFile.permissions(of: full) == AtomicFile.ownerOnlyMode)
    }

    @Test("retention deletes registrations older than N days and leaves an audit entry")
    func retention() async throws {
        let f = try RegistrationFixture()
        try await registerTwo(f)
        #expect(throws: HealthCardError.invalidValue("")) { try f.registrations.purge(olderThan: 0, now: Self.now, actor: "ops") }
        #expect(try f.registrations.purge(olderThan: 30, now: Self.now, actor: "district-ops") == 1)
        #expect(try f.registrations.registrations(matching: RegistrationFilter()).count == 2)
        let audit = try f.registrations.audit()
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "district-ops")
        #expect(audit.first?.detail == "deleted 1 registrations before 2026-01-30T08:00:00Z (retention 30 days)")
        #expect(try f.registrations.purge(olderThan: 30, now: Self.now, actor: "district-ops") == 0)
        #expect(try f.registrations.audit().count == 2)
    }

    @Test("a registration store is its own kind: other stores are refused, and it refuses to be another")
    func storeKinds() throws {
        let f = try RegistrationFixture()
        #expect(throws: HealthCardError.invalidValue("")) { _ = try RegistrationStore(path: f.events.path) }
        #expect(throws: HealthCardError.self) { _ = try HealthEventStore(path: f.registrations.path) }
        #expect(throws: HealthCardError.invalidValue("")) {
            _ = try RegistrationStore(path: f.directory.appendingPathComponent("missing.db").path, mode: .readOnly)
        }
    }
}
