import Foundation
import Testing

/// Records that parse but cannot be true, through the real binary: nothing is personalised or
/// written, the exit status is 1, and the message names the record and every field at fault.
@Suite("Implausible records are refused by card new and write")
struct RecordPlausibilityCommandTests {
    static let records = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/records")

    @Test("card new: a future birth date, a birth date or sex that contradicts the ID, an empty name")
    func holder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-plaus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, String)] = [
            (#"{"name": "张三丰", "sex": "2", "birthDate": "2999-12-31", "idNumber": "11010519491231002X"}"#, "birthDate: 2999-12-31 is in the future"),
            (#"{"name": "张三丰", "sex": "2", "birthDate": "1950-01-01", "idNumber": "11010519491231002X"}"#, "contradicts the ID number, which says 1949-12-31"),
            (#"{"name": "张三丰", "sex": "1", "birthDate": "1949-12-31", "idNumber": "11010519491231002X"}"#, "sex: 1 contradicts the ID number"),
            (#"{"name": "", "sex": "2", "birthDate": "1949-12-31", "idNumber": "11010519491231002X"}"#, "name: empty"),
        ]
        for (index, (json, message)) in cases.enumerated() {
            try json.write(to: directory.appendingPathComponent("h\(index).json"), atomically: true, encoding: .utf8)
            let result = try await HCardRunner.run(["card", "new", "--holder", "h\(index).json", "--image", "c\(index).json"], in: directory)
            #expect(result.status == 1 && result.stderr.contains(message), "\(json): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("c\(index).json").path))
        }
    }

    @Test("write: a visit in 3026, a discharge before the admission, a JSON file as photo; the card is unchanged")
    func encounters() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-plaus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let holder = Self.records.appendingPathComponent("holder.json").path
        #expect(try await HCardRunner.run(["card", "new", "--holder", holder, "--image", "card.json"], in: directory).status == 0)
        let before = try Data(contentsOf: directory.appendingPathComponent("card.json"))

        var visit = try String(contentsOf: Self.records.appendingPathComponent("outpatient.json"), encoding: .utf8)
        visit = visit.replacingOccurrences(of: "\"visitTime\": \"2026-11-22T09:30:00\"", with: "\"visitTime\": \"3026-11-22T09:30:00\"")
        try visit.write(to: directory.appendingPathComponent("visit.json"), atomically: true, encoding: .utf8)
        let future = try await HCardRunner.run(["write", "outpatient", "--from", "visit.json", "--image", "card.json"], in: directory)
        #expect(future.status == 1 && future.stderr.contains("visitTime: 3026-11-22 is in the future"), "\(future.stderr)")

        var stay = try String(contentsOf: Self.records.appendingPathComponent("inpatient.json"), encoding: .utf8)
        stay = stay.replacingOccurrences(of: "\"dischargeDate\": \"2026-10-08\"", with: "\"dischargeDate\": \"2026-09-08\"")
        try stay.write(to: directory.appendingPathComponent("stay.json"), atomically: true, encoding: .utf8)
        let backwards = try await HCardRunner.run(["write", "inpatient", "--from", "stay.json", "--image", "card.json"], in: directory)
        #expect(backwards.status == 1 && backwards.stderr.contains("is before the admission"), "\(backwards.stderr)")

        let photo = try await HCardRunner.run(["write", "photo", "--from", "visit.json", "--image", "card.json"], in: directory)
        #expect(photo.status == 1 && photo.stderr.contains("not a JPEG image"), "\(photo.stderr)")

        #expect(try Data(contentsOf: directory.appendingPathComponent("card.json")) == before)
    }
}
