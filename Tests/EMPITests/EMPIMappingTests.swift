import HealthCardTestSupport
import Testing
@testable import EMPI
@testable import HealthCardFoundation


/// Generic CSV field mapping and per-record error reporting (issue 8 item 5).
@Suite("EMPI field mapping")
struct EMPIMappingTests {
    static let mappingJSON = #"""
        {
          "recordDomain": "clinic",
          "columns": [
            {"column": "id", "kind": "recordID"},
            {"column": "surname", "kind": "familyName"},
            {"column": "forename", "kind": "givenName"},
            {"column": "dob", "kind": "birthDate"},
            {"column": "gender", "kind": "sex"},
            {"column": "nhs", "kind": "identifier", "domain": "nhs-number"},
            {"column": "sfz", "kind": "identifier", "domain": "citizen-id", "type": "citizenID"},
            {"column": "street", "kind": "addressLine"},
            {"column": "town", "kind": "locality"},
            {"column": "zip", "kind": "postcode"},
            {"column": "fax", "kind": "phone"}
          ]
        }
        """#

    static let csv = """
        id,surname,forename,dob,gender,nhs,sfz,street,town,zip
        1,Smith,John,1970-01-02,M,943 476 5919,,"1, High Street",Leeds,LS1 1AA
        2,Smith,Jon,1970/1/2,male,9434765919,,1 High Street,Leeds,LS11AA
        3,"Doe, Jr",Jane,1970-02-30,F,,110105194912310021,,,
        4,too,few
        ,Brown,Ann,19800101,2,,,,,
        """

    @Test("a mapping reads any CSV; bad input is reported per line and the rest is processed")
    func readsAndReports() throws {
        let mapping = try FieldMapping(json: Self.mappingJSON)
        let result = mapping.read(csv: Self.csv)
        #expect(result.records.map(\.id) == ["1", "2", "3", "line-6"])
        #expect(result.records.map(\.line) == [2, 3, 4, 6])
        #expect(result.records[0].addressLines == ["1, High Street"])
        #expect(result.records[0].identifiers == [PatientIdentifier(domain: "nhs-number", value: "943 476 5919")])
        #expect(result.records[2].familyName == "Doe, Jr")
        #expect(result.records.allSatisfy { $0.domain == "clinic" })
        let kinds = result.issues.map { "\($0.kind.rawValue)@\($0.line ?? 0)" }
        #expect(kinds == ["unknownColumn@1", "malformedRow@5", "missingRecordID@6"])
        #expect(result.issues[0].field == "fax")

        // Malformed date and invalid ID are reported by the normaliser against the record's line.
        var issues: [RecordIssue] = []
        let normalized = result.records.map { EMPIFixture.normalizer.normalize($0, issues: &issues) }
        #expect(issues.map(\.kind) == [.malformedDate, .invalidCitizenID])
        #expect(issues.allSatisfy { $0.line == 4 && $0.recordID == "3" })
        #expect(issues[0].description.hasPrefix("line 4 (3) birthDate: malformed date"))

        // Records 1 and 2 are one person: Latin name, date, NHS number, address and postcode agree.
        let score = Scorer().score(normalized[0], normalized[1])
        #expect(score.levels[.identifier] == Int(IdentifierLevel.exact.rawValue))
        #expect(score.levels[.address] == Int(AddressLevel.sameAddress.rawValue))
        #expect(score.levels[.nameLatin] == Int(LatinNameLevel.tokenTypo.rawValue))
        #expect(score.decision == .autoLink)
    }

    @Test("a malformed mapping is an error that says where")
    func badMapping() {
        #expect(throws: HealthCardError.malformed("")) {
            try FieldMapping(json: #"{"columns": [{"column": "x", "kind": "shoeSize"}]}"#)
        }
        do {
            _ = try FieldMapping(json: #"{"columns": [{"column": "x", "kind": "shoeSize"}]}"#)
        } catch let error as HealthCardError {
            #expect(error.reason.contains("columns.0.kind"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("CSV: quotes, embedded line breaks, CRLF and a byte-order mark")
    func csvDetails() {
        let table = CSVTable("\u{FEFF}a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\r\nlast,row")
        #expect(table.rows.map(\.fields) == [["a", "b"], ["x, \"y\"", "two\nlines"], ["last", "row"]])
        #expect(table.rows.map(\.line) == [1, 2, 4])
        #expect(CSVTable("a,\"open").unterminatedQuoteLine == 1)
        #expect(CSVCell.encode("a,b") == "\"a,b\"" && CSVCell.encode("plain") == "plain")
    }

    @Test("the synthetic population round-trips through CSV and its mapping")
    func syntheticRoundTrip() throws {
        let population = SyntheticPopulation(seed: 11, options: .init(persons: 200))
        let mapping = try FieldMapping(json: try SyntheticPopulation.mapping.json())
        let result = mapping.read(csv: population.csv())
        #expect(result.issues.isEmpty, "\(result.issues.prefix(3))")
        #expect(result.records.count == population.records.count)
        for (read, original) in zip(result.records, population.records) {
            #expect(read.id == original.id && read.fullName == original.fullName)
            #expect(read.citizenID == original.citizenID && read.birthDate == original.birthDate)
            #expect(read.identifiers.count == original.identifiers.count)
        }
    }
}

/// A stray quote in a CSV: one row lost and reported, not every row up to the next quote.
@Suite("CSV: broken quotes")
struct CSVBrokenQuoteTests {
    @Test("a quote closed lines later by another quote: the row is dropped, reading resumes on the next line")
    func closedLater() {
        let table = CSVTable("a,b\n\"x,1\nc,d\ne,\"f\"\ng,h\n")
        #expect(table.rows.map(\.fields) == [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]])
        #expect(table.rows.map(\.line) == [1, 3, 4, 5])
        #expect(table.brokenQuotes == [.init(line: 2, ranThrough: 4, atEndOfInput: false)])
    }

    @Test("a quote never closed: the row is dropped, the rest read")
    func neverClosed() {
        let table = CSVTable("a,b\n\"x,1\nc,d\n")
        #expect(table.rows.map(\.fields) == [["a", "b"], ["c", "d"]])
        #expect(table.brokenQuotes.first?.atEndOfInput == true)
        #expect(table.unterminatedQuoteLine == 2)
    }

    @Test("a real multi-line field with the header's field count is kept")
    func multiLineKept() {
        let table = CSVTable("a,b\n\"two\nlines\",x\nc,d")
        #expect(table.rows.map(\.fields) == [["a", "b"], ["two\nlines", "x"], ["c", "d"]])
        #expect(table.brokenQuotes.isEmpty)
    }
}

extension CSVBrokenQuoteTests {
    @Test("a stray quote closed by a later field's opening quote (same field count by chance) is still broken")
    func closedByAnOpeningQuote() {
        let table = CSVTable("a,b,c\nG1,\"bad\nx,y,z\nR3,\"w, q\",1\n")
        #expect(table.rows.map(\.fields) == [["a", "b", "c"], ["x", "y", "z"], ["R3", "w, q", "1"]])
        #expect(table.brokenQuotes.map(\.line) == [2])
    }

    @Test("a quote followed by a combining mark is still a quote (found by the empi-csv fuzz target)")
    func quoteBeforeCombiningMark() {
        // "\u{05BB}" joins the quote before it into one Character; RFC 4180 works on code points.
        let field = "de{\"\u{05BB}ddelimilt"
        let table = CSVTable("a,b\n\"de{\"\"\u{05BB}ddelimilt\",z\n")
        #expect(table.rows.map(\.fields) == [["a", "b"], [field, "z"]])
        #expect(table.brokenQuotes.isEmpty)
        #expect(CSVTable("x\r\ny\r\n").rows.map(\.line) == [1, 2])
    }
}
