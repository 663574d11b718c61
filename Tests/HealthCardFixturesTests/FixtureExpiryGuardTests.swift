import Foundation
import Testing
import HealthCardFixtures
import HealthCardFoundation
import HealthQR
import HealthQRImaging

/// The guard against time bombs in `Fixtures/` (Docs/testing.md, "Dates and the wall clock").
///
/// `hcard fixtures validate Fixtures`, the demo and `Scripts/test-capi.sh` check the repository's
/// fixtures at the wall-clock time, so a fixture whose validity ends (a trust list's `validTo`)
/// would make CI fail on the day it ends. This suite reads the clock on purpose and checks the
/// fixtures as they will be checked ``margin`` from now: a fixture that will expire within that
/// margin fails here, naming the file, a year before it would break CI.
@Suite("Fixtures: no fixture expires within a year of today")
struct FixtureExpiryGuardTests {
    /// How far ahead the fixtures must stay valid.
    static let marginDays = 365

    /// Now plus the margin, the instant the fixtures are checked at.
    static var future: Date { SystemClock().now().addingTimeInterval(Double(marginDays) * 86_400) }

    @Test("hcard fixtures validate, run a year from today, still finds no errors and no warnings")
    func fixturesValidAYearAhead() throws {
        let future = Self.future
        let today = CalendarDate.today(now: future.timeIntervalSince1970)
        let report = FixtureValidator(now: future, today: today, imageReader: QRImageCodec())
            .validate([FixtureCopy.repository.path])
        #expect(
            report.findings.isEmpty,
            "these fixtures stop validating before \(ISO8601Instant.format(future)) (\(Self.marginDays) days from now); renew them as Fixtures/README.md says: \(report.findings.map(\.description))"
        )
        #expect(report.files.contains { $0.hasSuffix("qr/trust.json") }, "the trust list was not checked: \(report.files)")
    }

    @Test("every trust list in Fixtures/ is valid now and for a year from today")
    func trustListsCoverTheNextYear() throws {
        let now = SystemClock().now()
        let future = Self.future
        var lists = 0
        let root = FixtureCopy.repository
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" } ?? []
        for file in files {
            let bytes = try Data(contentsOf: file)
            let object = try JSONSerialization.jsonObject(with: bytes) as? [String: Any]
            // A trust list as `hcard fixtures validate` sniffs one: "keys", and not a card image ("format").
            guard object?["keys"] != nil, object?["format"] == nil else { continue }
            lists += 1
            let list = try TrustList(json: Array(bytes), source: file.path)
            for entry in list.entries {
                let name = "\(file.path): key \(entry.keyID)"
                #expect(entry.validFrom <= now, "\(name) is not valid yet: validFrom \(ISO8601Instant.format(entry.validFrom))")
                #expect(
                    entry.validTo >= future,
                    "\(name) expires \(ISO8601Instant.format(entry.validTo)), within \(Self.marginDays) days of today")
            }
        }
        #expect(lists >= 1, "no trust list found under \(root.path)")
    }
}
