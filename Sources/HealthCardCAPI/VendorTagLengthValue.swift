import Foundation
import HealthCardFoundation
import ResidentCard

/// The tag-length-value record strings of the S1 build (vendor-interface.md §5.3, the record
/// exchange format of S5 表A-4): repeated `NNN` (3-digit item number) `LLL` (3-digit decimal
/// byte length of the value) and the value, without separators: item 213 = "aa" is `213002aa`.
/// Values are coded as everywhere (§2.1): text, `cn` digits, `b` hex.
enum VendorTagLengthValue {
    /// Parses a record string into (item, value) pairs; 101 at the first malformed triple.
    static func parse(_ text: [UInt8]) throws -> [(item: Int, value: [UInt8])] {
        var entries: [(Int, [UInt8])] = []
        var rest = text[...]
        while !rest.isEmpty {
            let offset = text.count - rest.count
            guard rest.count >= 6, let item = Int(String(decoding: rest.prefix(3), as: UTF8.self)),
                let length = Int(String(decoding: rest.dropFirst(3).prefix(3), as: UTF8.self)),
                rest.prefix(6).allSatisfy({ (0x30...0x39).contains($0) }), rest.count >= 6 + length
            else {
                throw VendorFailure(VendorCode.parameter, "iszData: no NNNLLLvalue at byte \(offset)")
            }
            entries.append((item, Array(rest.dropFirst(6).prefix(length))))
            rest = rest.dropFirst(6 + length)
        }
        return entries
    }

    /// `HD_W…00`: blanks the data area (text 00, `cn`/`b` FF), writes each listed item at its
    /// offset, then the SAM's signature and certificate. Items outside the file's data fields
    /// (EE 64-210, ED 213-382) → 101: the signature and certificate are the SAM's (211/212,
    /// 383/384). `b` values are hex (the vendor stored them raw, a bug not kept).
    static func write(_ function: String, _ kind: EncounterKind, _ number: Int32, _ data: CIn) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.writeBinary) { port in
            let file = try VendorEncounters.file(kind, number)
            guard let data else { throw VendorFailure(VendorCode.parameter, "iszData is NULL") }
            let coding = VendorCoding(text: port.configuration.text)
            let first = VendorItemNumber.items(kind).lowerBound
            let fields = VendorEncounters.dataFields(kind)
            var area = VendorEncounters.blankArea(kind)
            for (item, value) in try parse(VendorCoding.argument(data) ?? []) {
                guard (first..<(first + fields.count)).contains(item) else {
                    throw VendorFailure(
                        VendorCode.parameter,
                        "item \(item) is not a data item of \(file.path) (\(first)...\(first + fields.count - 1))")
                }
                let field = fields[item - first]
                area.replaceSubrange(field.range, with: try VendorEncounters.fieldBytes(field, value, coding: coding))
            }
            try VendorEncounters.writeSigned(area, to: file, session: try port.requireCard())
            return VendorCode.ok
        }
    }

    /// `HD_R…00`: every data field whose first byte is not blank (00 for text, FF otherwise), as
    /// `NNNLLLvalue`: text up to the first 00, `cn` and `b` as hex cut at the first F (vendor).
    static func read(_ function: String, _ kind: EncounterKind, _ number: Int32, _ data: COut) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.readBinary) { port in
            let file = try VendorEncounters.file(kind, number)
            guard let data else { throw VendorFailure(VendorCode.parameter, "iszData is NULL") }
            let coding = VendorCoding(text: port.configuration.text)
            let session = try port.requireCard()
            let bytes = try runBlocking { try await session.readBinaryBytes(of: file, offset: 0, length: kind.dataLength) }
            let first = VendorItemNumber.items(kind).lowerBound
            var output: [UInt8] = []
            for (index, field) in VendorEncounters.dataFields(kind).enumerated() {
                let value = bytes[field.range]
                guard value.first != (field.encoding == .ans ? 0x00 : 0xFF) else { continue }
                let coded = field.encoding == .ans ? try coding.textOutput(value) : Array(VendorCoding.digits(value).utf8)
                guard coded.count <= 999 else { throw VendorFailure(VendorCode.readBinary, "item \(first + index) is too long") }
                output += Array(String(format: "%03d%03d", first + index, coded.count).utf8) + coded
            }
            VendorCoding.put(output, into: data)
            return VendorCode.ok
        }
    }
}

/// `int HD_WDF03EE00(int inRecorderNo, char *iszData)` (S1): an inpatient record from `NNNLLLvalue` items.
@_cdecl("HD_WDF03EE00")
public func HD_WDF03EE00(_ number: Int32, _ data: CIn) -> Int32 {
    VendorTagLengthValue.write("HD_WDF03EE00", .inpatient, number, data)
}

/// `int HD_RDF03EE00(int inRecorderNo, char *iszData)` (S1): the inpatient record's written items.
@_cdecl("HD_RDF03EE00")
public func HD_RDF03EE00(_ number: Int32, _ data: COut) -> Int32 {
    VendorTagLengthValue.read("HD_RDF03EE00", .inpatient, number, data)
}

/// `int HD_WDF03ED00(int inRecorderNo, char *iszData)` (S1): an outpatient record from `NNNLLLvalue` items.
@_cdecl("HD_WDF03ED00")
public func HD_WDF03ED00(_ number: Int32, _ data: CIn) -> Int32 {
    VendorTagLengthValue.write("HD_WDF03ED00", .outpatient, number, data)
}

/// `int HD_RDF03ED00(int inRecorderNo, char *iszData)` (S1): the outpatient record's written items.
@_cdecl("HD_RDF03ED00")
public func HD_RDF03ED00(_ number: Int32, _ data: COut) -> Int32 {
    VendorTagLengthValue.read("HD_RDF03ED00", .outpatient, number, data)
}
