import ArgumentParser
import Foundation
import HealthCardCore

/// `hcard demo`: the main job on a built-in example, with no reader, no files and no setup.
///
/// Every step goes through the same code a real deployment uses: the terminal session speaks
/// APDUs to the virtual card and the virtual SAM (the card image is saved after each change, as
/// `hcard write --image` does), SM2 comes from OpenSSL, the QR symbol is drawn by libqrencode and
/// read back by zbar, and the EMPI step scores with the production model.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A tour on a built-in example: card, visit, QR code, verification, patient match.",
        discussion: """
            Steps: personalise a virtual resident health card; write an outpatient visit and an \
            immunization (signed by the virtual SAM, committed through the DF03 index); read the \
            card back; issue a signed dynamic e-health-card QR code and draw it; scan the PNG back \
            with zbar and verify it (and a tampered copy); match the card holder in a small EMPI \
            index (SQLite) and query the cross-index. The files (card.json, qr.png, trust.json, \
            empi.sqlite) go to a temporary directory, or to --dir to keep.

            Everything uses test keys (Docs/virtual-card.md); nothing here is fit for real cards.

            Examples:
              hcard demo
              hcard demo --dir demo-out --no-terminal-qr
            """
    )

    @Option(help: "Keep the card image and the QR image in this directory (created if missing).")
    var dir: String?

    @Flag(inversion: .prefixedNo, help: "Draw the QR code in the terminal.")
    var terminalQr = true

    func run() async throws {
        let directory = try workingDirectory()
        var step = DemoStep()

        // 1. Personalise.
        let holder = try HolderRecord.fromJSON(Data(DemoData.holder.utf8))
        let imageURL = directory.appendingPathComponent("card.json")
        let issuer = try CardCommand.New.defaultIssuer(for: holder)
        try CardPersonalization(issuer: issuer, holder: holder).makeImage().save(to: imageURL)
        step.begin("Personalise a virtual resident health card")
        step.detail("holder \(holder.name ?? "?"), \(holder.idNumber ?? "?"), born \(holder.birthDate?.description ?? "?")")
        step.detail("card image with \(ResidentCardFileSystem.allFiles.count) files: \(imageURL.path)")

        // 2. Write a visit and an immunization through APDUs.
        let connection = try CardTargetOptions.parse(["--image", imageURL.path]).open()
        let session = connection.session
        let visit = try OutpatientRecord.fromJSON(Data(DemoData.visit.utf8))
        let slot = try await session.writeOutpatient(visit)
        let afterVisit = connection.apduCount()
        try await session.addImmunization(try ImmunizationRecord.fromJSON(Data(DemoData.immunization.utf8)))
        step.begin("Write an outpatient visit and an immunization")
        step.detail(
            "visit at \(visit.institutionName ?? "?") → slot \(slot) (DF03/ED0\(slot)): data, SAM signature, "
                + "index mark, read-back compare; \(afterVisit) APDUs")
        step.detail("immunization appended to the cyclic file DF02/EF08; \(connection.apduCount() - afterVisit) APDUs")

        // 3. Read everything back.
        let before = connection.apduCount()
        let contents = try await session.readCard()
        step.begin("Read the card back")
        let visits = contents.outpatient ?? []
        step.detail(
            "\(contents.holder?.name ?? "?"): \(visits.count) outpatient visit(s), "
                + "\(contents.immunizations?.count ?? 0) immunization(s), \(contents.allergies?.count ?? 0) allergies; "
                + "\(connection.apduCount() - before) APDUs")
        if let first = visits.first {
            let signature = first.signatureValid.map { $0 ? "valid" : "INVALID" } ?? "absent"
            step.detail(
                "slot \(first.slot): \(first.record.department ?? "?"), \(first.record.symptoms.first?.diagnosisName ?? "?"), "
                    + "SM2 signature \(signature)")
        }

        // 4. Issue a signed dynamic e-health-card QR code.
        let key = try SM2PrivateKey()
        let trust = try TrustList(entries: [
            TrustList.Entry(
                publicKey: key.publicKey, issuer: "Demo health commission",
                validFrom: SystemClock().now().addingTimeInterval(-60), validTo: SystemClock().now().addingTimeInterval(86_400))
        ])
        let cardID = DemoData.eHealthCardID(for: holder.idNumber ?? "")
        let text = try await SignedCodeIssuer(privateKey: key).issue(cardID: cardID, kind: .dynamic(window: .seconds(300)))
        let matrix = try QREncoder().encode(text: text)
        let pngURL = directory.appendingPathComponent("qr.png")
        try QRImageCodec().write(matrix, as: .png, options: .standard, to: pngURL.path)
        let trustURL = directory.appendingPathComponent("trust.json")
        try trust.save(to: trustURL.path)
        step.begin("Issue a signed dynamic e-health-card QR code")
        step.detail("card id \(cardID.prefix(16))…, valid 5 minutes, SM2/SM3 signature, \(text.count) characters")
        step.detail("QR version \(matrix.version) (\(matrix.width)×\(matrix.width)), error correction M: \(pngURL.path)")
        step.detail("the issuer's public key, for verifiers: \(trustURL.path)")
        if terminalQr { print(matrix.terminal()) }

        // 5. Scan the PNG back and verify it, and a tampered copy.
        let scanned = try QRImageCodec().texts(inFile: Array(try Data(contentsOf: pngURL)))
        let verifier = CodeVerifier(trustList: trust)
        step.begin("Scan the PNG with zbar and verify offline")
        guard let read = scanned.first, read == text else {
            throw ValidationError("zbar did not read the code back from \(pngURL.path)")
        }
        let verdict = verifier.verify(read)
        step.detail("\(verdict)")
        var tampered = Array(read)
        let position = tampered.count / 2
        tampered[position] = tampered[position] == "A" ? "B" : "A"
        step.detail("one character changed: \(verifier.verify(String(tampered)))")
        guard verdict.isValid else { throw ExitCode(1) }

        // 6. Match the holder in a small EMPI index (SQLite), then ask the cross-index.
        let indexURL = directory.appendingPathComponent("empi.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: indexURL.path + suffix) }
        let index = try PatientIndex(path: indexURL.path)
        for domain in DemoData.empiDomains { try index.registerDomain(domain) }
        let mapping = try FieldMapping(json: DemoData.empiMapping)
        let registrations = mapping.read(csv: DemoData.empiRecords).records
        // The hand-made registrations among a seeded synthetic population, so that name and date
        // frequencies (the term-frequency adjustment) are those of a realistic index.
        let population = SyntheticPopulation(seed: 2026, options: .init(persons: 1_000)).records
        let ingested = try index.ingest(registrations + population, actor: "demo")
        let probe = try PersonRecord(card: contents, domain: DemoData.cardDomain)
        let cardNumber = probe.id
        let fed = try index.feed(probe, actor: "demo")
        step.begin("Register the card holder in an EMPI index (SQLite) and query the cross-index")
        step.detail(
            "\(ingested.records) source records from "
                + "\(Set((registrations + population).map(\.domain)).count) domains, "
                + "\(try index.statistics().persons) persons: \(indexURL.path)")
        guard fed.decision == .linked, let person = fed.person, let explanation = fed.explanation else {
            throw ValidationError("the demo holder was not linked: \(fed.decision)")
        }
        step.detail(
            "card \(cardNumber) → \(fed.decision.rawValue) (\(fed.provenance?.rawValue ?? "?")) to person \(person), "
                + String(format: "probability %.6f", explanation.probability))
        let strongest = explanation.fields.filter { $0.weight != 0 }.sorted { abs($0.weight) > abs($1.weight) }.prefix(4)
        step.detail(
            "strongest evidence: "
                + strongest.map { String(format: "%@ %@ %+.1f", $0.field.rawValue, $0.level, $0.weight) }
                .joined(separator: ", "))
        let crossReference = try index.crossReference(domain: DemoData.cardDomain, value: cardNumber)
        step.detail(
            "PIX: the same person in other domains: "
                + crossReference.identifiers.filter { $0.domain != DemoData.cardDomain }
                .map { "\($0.domain) \($0.value)" }.joined(separator: ", "))

        print("")
        print(
            "demo complete: \(step.number) steps passed. Files in \(directory.path)"
                + (dir == nil ? " (a temporary directory)." : "."))
        print("next: hcard read --image \(imageURL.path)")
        print("      hcard qr verify \(pngURL.path) --trust \(trustURL.path)")
        print("      hcard empi query --db \(indexURL.path) --domain \(DemoData.cardDomain) --id \(cardNumber)")
        print("      hcard fixtures validate \(directory.path)")
    }

    private func workingDirectory() throws -> URL {
        let url =
            dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("hcard-demo-\(getpid())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Numbered step headings and indented detail lines.
private struct DemoStep {
    private(set) var number = 0

    mutating func begin(_ title: String) {
        number += 1
        print("\(number). \(title)")
    }

    func detail(_ line: String) { print("   \(line)") }
}
