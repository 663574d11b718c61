import ArgumentParser
import Foundation
import Testing

@testable import hcard

@Suite("hcard id check")
struct IDCommandTests {
    @Test("the issue's example: valid, born 1949-12-31, female, region 110105 with its name")
    func validJSON() async throws {
        let result = try await HCardRunner.run(["id", "check", "11010519491231002X", "--json"])
        #expect(result.status == 0)
        let rows = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let row = try #require(rows.first)
        #expect(row["valid"] as? Bool == true)
        #expect(row["birthDate"] as? String == "1949-12-31")
        #expect((row["sex"] as? [String: Any])?["code"] as? String == "2")
        let region = try #require(row["region"] as? [String: Any])
        #expect(region["code"] as? String == "110105")
        #expect(region["name"] as? String == "北京市 朝阳区")
    }

    @Test("a wrong check character is rejected with the expected character, exit 1")
    func wrongCheck() async throws {
        let result = try await HCardRunner.run(["id", "check", "110105194912310021"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("INVALID"))
        #expect(result.stdout.contains("wrong check character: expected X, got 1"))
    }

    @Test("IDs come one per line from standard input; any invalid one fails the run")
    func standardInput() async throws {
        let ok = try await HCardRunner.run(["id", "check"], stdin: "11010519491231002X\n\n110105491231002\n")
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("110105491231002: valid (11010519491231002X)"))
        let bad = try await HCardRunner.run(["id", "check"], stdin: "11010519491231002X\n1101051949\n")
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("bad length: 10 characters"))
    }

    @Test("--strict turns region warnings into failures")
    func strict() async throws {
        #expect(try await HCardRunner.run(["id", "check", "440524198001010013"]).status == 0)
        let strict = try await HCardRunner.run(["id", "check", "--strict", "440524198001010013"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("unknown region: 440524"))
    }

    @Test("--today must be a date")
    func parseToday() async throws {
        #expect(throws: (any Error).self) { try HCard.parseAsRoot(["id", "check", "--today", "soon", "x"]) }
        #expect(throws: (any Error).self) { try HCard.parseAsRoot(["id", "check", "--today", "2023-02-30", "x"]) }
        let result = try await HCardRunner.run(["id", "check", "--today", "1949-12-30", "11010519491231002X"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("in the future"))
    }
}


@Suite("hcard codes")
struct CodesCommandTests {
    @Test("lists every table and shows one with its entries")
    func codes() async throws {
        let all = try await HCardRunner.run(["codes"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("GB 3304-1991"))
        let ethnicity = try await HCardRunner.run(["codes", "ethnicity", "--json"])
        let rows = try #require(JSONSerialization.jsonObject(with: Data(ethnicity.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["name"] as? String == "汉族")
        #expect(rows.first?["alternateCode"] as? String == "HA")
        let missing = try await HCardRunner.run(["codes", "zodiac"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no code table 'zodiac'"))
    }
}

/// `hcard id check` on separators and foreign permanent resident IDs.
@Suite("hcard id check: separators and kinds")
struct IDKindCommandTests {
    @Test("separated input is normalised; a 9… number is reported as a foreign permanent resident ID; 99… is invalid")
    func kinds() async throws {
        let separated = try await HCardRunner.run(["id", "check", "110105-19491231-002X"])
        #expect(separated.status == 0, "\(separated.stdout)")
        #expect(separated.stdout.contains("110105-19491231-002X: valid (11010519491231002X)"))
        let foreign = try await HCardRunner.run(["id", "check", "911840198001010013"])
        #expect(foreign.stdout.contains("foreign permanent resident ID, not a citizen ID"), "\(foreign.stdout)")
        let json = try await HCardRunner.run(["id", "check", "--json", "911840198001010013"])
        #expect(json.stdout.contains("\"kind\" : \"foreign-permanent-resident-id\"") || json.stdout.contains("\"kind\":\"foreign-permanent-resident-id\""), "\(json.stdout)")
        let ninetyNine = try await HCardRunner.run(["id", "check", "991840198001010018"])
        #expect(ninetyNine.status == 1)
        #expect(ninetyNine.stdout.contains("issuing province code 91 is not in use"), "\(ninetyNine.stdout)")
    }

    @Test("an age over 130 is an error (the spec's 1880 test vector is valid only as of an earlier day)")
    func ageLimit() async throws {
        let today = try await HCardRunner.run(["id", "check", "--today", "2026-11-22", "440524188001010014"])
        #expect(today.status == 1)
        #expect(today.stdout.contains("error: birth date 1880-01-01 gives an age of 146, over 130"), "\(today.stdout)")
        #expect(try await HCardRunner.run(["id", "check", "--today", "2000-01-01", "440524188001010014"]).status == 0)
    }
}

/// A masked published sample is not a payload, for `fixtures validate` as for the library grammar.
@Suite("hcard fixtures validate: masked card ids")
struct MaskedPayloadCommandTests {
    @Test("the spec's masked sample at full length is an error naming the offset of XXXX")
    func maskedSample() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hck-masked-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let masked = "C220AE" + String(repeating: "0", count: 50) + "260FXXXX:1"
        try (masked + "\n26B5A1FE56681:1\n").write(
            to: directory.appendingPathComponent("payloads.txt"), atomically: true, encoding: .utf8)
        let result = try await HCardRunner.run(["fixtures", "validate", directory.path])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("line 1 character 61"), "\(result.stdout)")
        #expect(result.stdout.contains("card id is masked ('XXXX')"), "\(result.stdout)")
        #expect(!result.stdout.contains("line 2"), "\(result.stdout)")
    }
}
