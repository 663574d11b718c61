// libFuzzer target for the EMPI inputs (Scripts/fuzz.sh empi-csv): CSV tables (`CSVTable`),
// field mappings (`FieldMapping(json:)`), a CSV read through a mapping (`FieldMapping.read`) and
// the normalisation of the records it gives (`Normalizer`, with the shipped pinyin, surname and
// region tables).
//
// Input: `mapping JSON ‖ 00 ‖ CSV`; without a 00 byte, the whole input is the CSV and the mapping
// is the synthetic population's. Nothing may trap. A mapping writes back to JSON that parses to
// the same mapping. A table written back with `CSVTable.escape` (a single empty field as `""`,
// behind a BOM the parser drops) parses to the same rows, when every field can be written: a field
// whose first or last character would join a quote or comma next to it into one extended
// grapheme cluster (a leading combining mark, a trailing prepend mark) cannot, as the escape
// function does not guard against that (see Docs/fuzzing.md).
import Foundation

/// A fixed day, so that runs are reproducible.
private let normalizer = Normalizer(today: CalendarDate(yyyymmdd: "20261201")!)

@_cdecl("LLVMFuzzerTestOneInput")
public func empiCSVFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var mapping = SyntheticPopulation.mapping
    var csvBytes = bytes[...]
    if let split = bytes.firstIndex(of: 0) {
        csvBytes = bytes[(split + 1)...]
        guard let parsed = try? FieldMapping(json: String(decoding: bytes[..<split], as: UTF8.self)) else { return 0 }
        guard let json = try? parsed.json() else { preconditionFailure("field mapping cannot be written") }
        precondition((try? FieldMapping(json: json)) == parsed, "field mapping does not round-trip")
        mapping = parsed
    }
    let csv = String(decoding: csvBytes, as: UTF8.self)

    let table = CSVTable(csv)
    precondition(zip(table.rows, table.rows.dropFirst()).allSatisfy { $0.line < $1.line }, "row lines not increasing")
    // Written back with the library's one cell encoder (CSVCell), the table reads the same, except
    // cells that start a formula: those gain a leading ' on purpose (CSV injection), so they are
    // left out of the round trip.
    if table.unterminatedQuoteLine == nil, table.rows.allSatisfy({ $0.fields.allSatisfy(writable) }) {
        let written = "\u{FEFF}" + table.rows.map { row in
            row.fields == [""] ? "\"\"" : CSVCell.row(row.fields)
        }.joined(separator: "\n")
        let again = CSVTable(written)
        precondition(
            again.rows.map { $0.fields } == table.rows.map { $0.fields }, "CSV does not round-trip: \(csv.debugDescription)")
    }

    let result = mapping.read(csv: csv)
    for record in result.records {
        precondition(!record.id.isEmpty)
        _ = normalizer.normalize(record)
    }
    return 0
}

/// Whether `field` keeps its characters when a quote or a comma is written next to it.
private func writable(_ field: String) -> Bool {
    ("\"" + field + "\"").count == field.count + 2 && ("," + field + ",").count == field.count + 2
        && !(field.unicodeScalars.first.map { CSVCell.formulaStarts.contains($0) } ?? false)
        && ("'" + field).count == field.count + 1
}
