import Foundation
import Testing

/// `hcard demo`, the README's first command.
@Suite("Demo: hcard demo")
struct DemoCommandTests {
    @Test("runs every step, ends with the summary and exit 0; its files pass fixture validation")
    func demo() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        let result = try await HCardRunner.run(["demo", "--dir", directory.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for heading in [
            "1. Personalise", "2. Write an outpatient visit", "3. Read the card back", "4. Issue a signed dynamic",
            "5. Scan the PNG", "6. Register the card holder in an EMPI index",
        ] {
            #expect(result.stdout.contains(heading), "missing step \(heading)")
        }
        #expect(result.stdout.contains("SM2 signature valid"))
        #expect(result.stdout.contains("valid: card "))
        #expect(result.stdout.contains("one character changed: bad signature"))
        #expect(result.stdout.contains("card 110105198503120012 → linked (deterministic) to person"))
        #expect(result.stdout.contains("PIX: the same person in other domains: citizen-id 110105198503120012, hosp-a A-1001"))
        #expect(result.stdout.contains("▀"), "the QR code is drawn in the terminal")
        #expect(result.stdout.contains("demo complete: 6 steps passed"))

        // What the demo wrote is a consistent card image and a code that verifies.
        let validate = try await HCardRunner.run(["fixtures", "validate", directory.path])
        #expect(validate.status == 0, "\(validate.stdout)")
        #expect(validate.stdout.contains("3 files checked: 0 errors, 0 warnings"))
        let read = try await HCardRunner.run(["read", "--image", directory.appendingPathComponent("card.json").path, "--json"])
        #expect(read.status == 0 && read.stdout.contains("\"110105198503120012\""))
    }
}
