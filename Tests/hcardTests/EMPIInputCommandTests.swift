import Foundation
import Testing

/// EMPI input files that used to lose or mix up records silently: files without a record-ID
/// column, a stray quote, a record ID twice in one file.
@Suite("hcard empi ingest: no record is lost or overwritten silently")
struct EMPIInputCommandTests {
    static let mapping = #"""
        {"columns": [{"column": "domain", "kind": "recordDomain"}, {"column": "name", "kind": "fullName"},
          {"column": "birth_date", "kind": "birthDate"}]}
        """#
    static let mappingWithID = #"""
        {"columns": [{"column": "record_id", "kind": "recordID"}, {"column": "domain", "kind": "recordDomain"},
          {"column": "name", "kind": "fullName"}, {"column": "birth_date", "kind": "birthDate"}]}
        """#

    static func write(_ text: String, _ name: String, in directory: URL) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    static func records(in directory: URL) async throws -> Int? {
        let stats = try await EMPICommandTests.run(["empi", "stats", "--db", "idx.db", "--json"], in: directory).stdout
        return try EMPICommandTests.json(stats)["records"] as? Int
    }

    @Test("without a record-ID column, line 2 of B.csv does not overwrite line 2 of A.csv; re-ingesting A changes nothing")
    func lineNamesDoNotCollide() async throws {
        let (directory, _) = try await EMPICommandTests.setUp(persons: 5)
        try Self.write(Self.mapping, "m.json", in: directory)
        try Self.write("domain,name,birth_date\nhosp-a,张伟,1990-05-06\nhosp-a,李娜,1985-02-03\n", "A.csv", in: directory)
        try Self.write("domain,name,birth_date\nhosp-a,王强,1970-01-01\nhosp-a,赵敏,1960-07-08\n", "B.csv", in: directory)
        for file in ["A.csv", "B.csv", "A.csv"] {
            let result = try await EMPICommandTests.run(
                ["empi", "ingest", "--db", "idx.db", "--csv", file, "--mapping", "m.json"], in: directory, status: 1)
            #expect(result.stderr.contains("\(file):1: recordID") || result.stderr.contains("no recordID column"), "\(result.stderr)")
        }
        #expect(try await Self.records(in: directory) == 4)
    }

    @Test("a stray quote costs its own line only, and is reported with the lines it would have swallowed")
    func strayQuote() async throws {
        let (directory, _) = try await EMPICommandTests.setUp(persons: 5)
        try Self.write(Self.mappingWithID, "m.json", in: directory)
        var lines = ["record_id,domain,name,birth_date"]
        for number in 1...400 {
            switch number {
            case 100: lines.append("G1,\"bad,1,2")
            case 300: lines.append("R300,hosp-a,\"王, 强\",1970-01-01")
            default: lines.append("R\(number),hosp-a,人\(number),1980-01-01")
            }
        }
        try Self.write(lines.joined(separator: "\n") + "\n", "big.csv", in: directory)
        let result = try await EMPICommandTests.run(
            ["empi", "ingest", "--db", "idx.db", "--csv", "big.csv", "--mapping", "m.json"], in: directory, status: 1)
        let problems = result.stderr.split(separator: "\n").filter { $0.hasPrefix("big.csv:") }
        #expect(problems.count == 1, "\(problems)")
        #expect(result.stderr.contains("big.csv:101: unterminated quoted field"), "\(result.stderr)")
        #expect(result.stderr.contains("run to line 301"), "\(result.stderr)")
        #expect(result.stderr.contains("line 101 skipped, reading resumed at line 102"), "\(result.stderr)")
        #expect(try await Self.records(in: directory) == 399)
    }

    @Test("a record ID twice in one file: the second line is rejected naming both lines, the rest is ingested")
    func duplicateRecordID() async throws {
        let (directory, _) = try await EMPICommandTests.setUp(persons: 5)
        try Self.write(Self.mappingWithID, "m.json", in: directory)
        try Self.write(
            "record_id,domain,name,birth_date\nA1,hosp-a,张伟,1990-05-06\nA2,hosp-a,李娜,1985-02-03\nA1,hosp-a,王强,1970-01-01\n",
            "dup.csv", in: directory)
        let result = try await EMPICommandTests.run(
            ["empi", "ingest", "--db", "idx.db", "--csv", "dup.csv", "--mapping", "m.json"], in: directory, status: 1)
        #expect(result.stderr.contains("dup.csv:4: (A1) recordID: record ID A1 in domain hosp-a is already on line 2"), "\(result.stderr)")
        #expect(!result.stderr.contains("has no link"))
        #expect(try await Self.records(in: directory) == 2)
    }
}
