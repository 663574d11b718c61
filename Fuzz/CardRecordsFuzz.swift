// libFuzzer target for what a card reader parses from card bytes (Scripts/fuzz.sh card-records):
// TLV records (`TLVRecord`), the field encodings (`FieldEncoding`: cn/BCD, ans/GBK, b, dates,
// money, flags), each field of the card layout through `CardRecordCodec.decodeField`, and whole
// records of every typed file through `CardRecordCodec`.
//
// Input: byte 0 picks a typed record (and a field of the layout); the rest are the card bytes.
// For a TLV file the rest is split into records the way a card stores them (`tag ‖ len ‖ value`,
// one after another), so a seed is just a file's records concatenated.
//
// Decoders must never trap. Where the library also encodes, what decodes must encode back to what
// decodes the same (decoding is lenient on purpose: ASCII flags, leading zeros, GB18030 4-byte
// text), and for the canonical encodings (cn digits, dates, b fields) to the very same bytes.
import Foundation

/// Every typed record of the card layout.
private let recordTypes: [any CardRecord.Type] = [
    IssuerRecord.self, HolderRecord.self, PaymentRecord.self, AddressRecord.self, ContactsRecord.self,
    OccupationRecord.self, DocumentsRecord.self, ClinicalRecord.self, SpecialRecord.self, AllergyRecord.self,
    ImmunizationRecord.self, OutpatientRecord.self, InpatientRecord.self,
]

/// Every field of every file, with its file.
private let allFields: [(field: FieldSpec, file: ElementaryFileSpec)] = ResidentCardFileSystem.allFiles.flatMap { file in
    file.allFields.map { (field: $0, file: file) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func cardRecordsFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let selector = input.first else { return 0 }
    let bytes = Array(input.dropFirst())

    checkTLV(bytes)
    checkFieldEncodings(bytes, impliedDecimals: Int(selector % 7))
    let (field, file) = allFields[Int(selector) % allFields.count]
    checkField(field, file: file, bytes: Array(bytes.prefix(field.length)))
    recordTypes[Int(selector) % recordTypes.count].checkRoundTrip(bytes)
    return 0
}

private func checkTLV(_ bytes: [UInt8]) {
    guard let record = try? TLVRecord.parse(bytes) else { return }
    let encoded = try? record.encode()
    precondition(encoded.map { bytes.starts(with: $0) } == true, "TLV record does not encode back to its bytes")
    precondition(
        bytes.dropFirst(2 + record.value.count).allSatisfy { $0 == 0x00 || $0 == 0xFF },
        "TLV record accepted with trailing bytes other than 00/FF")
}

private func checkFieldEncodings(_ field: [UInt8], impliedDecimals: Int) {
    let length = field.count
    // cn digits: canonical, so the very same bytes.
    if let digits = try? FieldEncoding.decodeDigits(field) {
        precondition(
            (try? FieldEncoding.encodeDigits(digits, length: length)) == field,
            "cn digits do not round-trip: \(Hex.encode(field))")
    }
    // ans text: whatever decodes and encodes again decodes to the same text.
    if let text = try? FieldEncoding.decodeText(field),
        let encoded = try? FieldEncoding.encodeText(text, length: length)
    {
        precondition((try? FieldEncoding.decodeText(encoded)) == text, "ans text does not round-trip: \(Hex.encode(field))")
    }
    if let text = try? GBK.decode(field), let encoded = try? GBK.encode(text) {
        precondition((try? GBK.decode(encoded)) == text, "GBK does not round-trip: \(Hex.encode(field))")
    }
    // Text → GBK → text for the field read as UTF-8.
    let utf8 = String(decoding: field, as: UTF8.self)
    if let encoded = try? GBK.encode(utf8) {
        precondition((try? GBK.decode(encoded)) == utf8, "GBK encoding of '\(utf8)' does not decode back")
    }
    if let date = try? FieldEncoding.decodeDate(field) {
        precondition(FieldEncoding.encodeDate(date) == field, "cn date does not round-trip: \(Hex.encode(field))")
    }
    if let dateTime = try? FieldEncoding.decodeDateTime(field) {
        precondition(FieldEncoding.encodeDateTime(dateTime) == field, "cn date-time does not round-trip")
    }
    if let money = try? FieldEncoding.decodeMoney(field, impliedDecimals: impliedDecimals),
        let encoded = try? FieldEncoding.encodeMoney(money, length: length, impliedDecimals: impliedDecimals)
    {
        precondition(
            (try? FieldEncoding.decodeMoney(encoded, impliedDecimals: impliedDecimals)) == money,
            "cn money does not round-trip: \(Hex.encode(field)) with \(impliedDecimals) decimals")
    }
    if let binary = FieldEncoding.decodeBinary(field) {
        precondition((try? FieldEncoding.encodeBinary(binary, length: length)) == field, "b field does not round-trip")
    }
    if let byte = try? FieldEncoding.decodeByte(field) {
        precondition(FieldEncoding.encodeByte(byte) == field, "1-byte b field does not round-trip")
    }
    if let flag = try? FieldEncoding.decodeFlag(field) {
        precondition((try? FieldEncoding.decodeFlag(FieldEncoding.encodeFlag(flag))) == flag, "flag does not round-trip")
    }
    for encoding in FieldEncoding.allCases {
        if let text = try? encoding.decodeString(field),
            let encoded = try? encoding.encodeString(text, length: length)
        {
            precondition((try? encoding.decodeString(encoded)) == text, "\(encoding) string does not round-trip")
        }
    }
}

/// One field of the layout: decode, encode the value, decode again to the same value.
private func checkField(_ field: FieldSpec, file: ElementaryFileSpec, bytes: [UInt8]) {
    guard let value = try? CardRecordCodec.decodeField(field, bytes, file: file, location: "fuzz") else { return }
    guard let encoded = try? CardRecordCodec.encodeField(field, value, file: file) else { return }
    precondition(encoded.count == field.length, "\(file.path) \(field.key) encodes to \(encoded.count) bytes")
    let again = try? CardRecordCodec.decodeField(field, encoded, file: file, location: "fuzz")
    precondition(
        "\(String(describing: again))" == "\(String(describing: Optional(value)))",
        "\(file.path) \(field.key) does not round-trip: \(Hex.encode(bytes))")
}

extension CardRecord {
    /// A whole record: decode, encode, decode again to an equal record.
    fileprivate static func checkRoundTrip(_ bytes: [UInt8]) {
        typealias R = Self
    if case .tlvRecords = R.file.structure {
        var records: [[UInt8]] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            let length = rest.count >= 2 ? 2 + Int(rest[rest.startIndex + 1]) : rest.count
            records.append(Array(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        guard let record = try? CardRecordCodec.decodeTLVRecords(records, as: R.self),
            let encoded = try? CardRecordCodec.encodeTLVRecords(record)
        else { return }
        precondition(
            (try? CardRecordCodec.decodeTLVRecords(encoded, as: R.self)) == record,
            "\(R.file.path) TLV record does not round-trip")
    } else {
        guard let record = try? CardRecordCodec.decodeFixed(bytes, as: R.self),
            let encoded = try? CardRecordCodec.encodeFixed(record)
        else { return }
        precondition(encoded.count == CardRecordCodec.fixedLength(of: R.file))
        precondition(
            (try? CardRecordCodec.decodeFixed(encoded, as: R.self)) == record, "\(R.file.path) record does not round-trip")
    }
}
}
