/// One record of a TLV record file (DDF1/EF05–EF08, DF01/EF05–EF08, DF02/EF05–EF06):
/// `tag(1) ‖ len(1) ‖ value(len)`.
///
/// - SeeAlso: health-card.md §3 ("TLV records") and §4: the tag is the national data-item number
///   (1–57, e.g. `0B` = item 11, name), and `len` is always the field's full fixed length, because
///   values are padded to the field, never shortened. Example from a real card: `02 04 30303032`
///   is item 2 (spec version) = "0002".
///
/// Why not BER-TLV: these records are not BER. The tag is one plain byte (no class/constructed
/// bits, no multi-byte tags) and the length one byte (no `81`/`82` long forms), so a BER parser
/// would misread tags such as `1F` (item 31) as the start of a multi-byte tag.
///
/// The value is a slice of the parsed bytes, not a copy; decode it with
/// ``FieldEncoding``.
public struct TLVRecord: Hashable, Sendable {
    /// The data-item number.
    public var tag: UInt8
    /// The field bytes, still padded as on the card.
    public var value: ArraySlice<UInt8>

    public init(tag: UInt8, value: ArraySlice<UInt8>) {
        self.tag = tag
        self.value = value
    }

    public init(tag: UInt8, value: [UInt8]) {
        self.init(tag: tag, value: value[...])
    }

    /// `tag ‖ len ‖ value`, the bytes of an UPDATE RECORD.
    /// - Throws: ``HealthCardError/Code/valueTooLong`` if the value has more than 255 bytes (the
    ///   length is one byte; the longest card field is 180).
    public func encode() throws -> [UInt8] {
        guard value.count <= 0xFF else {
            throw HealthCardError.valueTooLong(
                "TLV tag \(Hex.encode([tag])) value has \(value.count) bytes, a record holds at most 255")
        }
        return [tag, UInt8(value.count)] + value
    }

    /// Parses one record as READ RECORD returns it.
    ///
    /// Bytes after the value are accepted only if every one is `FF` or `00`: a READ RECORD with
    /// `Le = 00` returns the whole stored record, and a record slot created longer than its item, or
    /// a file written by another vendor's personalisation, can leave padding there. Any other
    /// trailing byte means the record is not what we think it is, and is rejected.
    ///
    /// - Parameters:
    ///   - bytes: the record as read from the card.
    ///   - expectedTag: when given, the data item the caller asked for (e.g. `0x0C`).
    ///   - expectedLength: when given, the field's fixed length from the file map; a record that
    ///     declares another length is rejected (§3: values are padded, never shortened).
    /// - Throws: ``HealthCardError/Code/truncated`` for a short header or value,
    ///   ``HealthCardError/Code/malformed`` for a wrong tag, a wrong length or other trailing bytes.
    ///   Offsets are from the start of `bytes`.
    public static func parse(
        _ bytes: ArraySlice<UInt8>, expectedTag: UInt8? = nil, expectedLength: Int? = nil
    ) throws -> TLVRecord {
        var reader = ByteReader(bytes)
        guard let tag = reader.readUInt8(), let length = reader.readUInt8() else {
            throw HealthCardError.truncated("TLV header needs 2 bytes, \(bytes.count) present at offset 0")
        }
        let tagText = Hex.encode([tag])
        if let expectedTag, tag != expectedTag {
            throw HealthCardError.malformed("expected tag \(Hex.encode([expectedTag])), found \(tagText)")
        }
        if let expectedLength, Int(length) != expectedLength {
            throw HealthCardError.malformed(
                "TLV tag \(tagText) declares \(length) bytes, the field is \(expectedLength) bytes")
        }
        guard let value = reader.read(Int(length)) else {
            throw HealthCardError.truncated(
                "TLV tag \(tagText) declares \(length) bytes, \(reader.remainingBytes.count) present at offset 2")
        }
        let valueEnd = reader.offset
        let trailing = reader.readRemaining()
        if let index = trailing.firstIndex(where: { $0 != 0x00 && $0 != 0xFF }) {
            let offset = index - bytes.startIndex
            throw HealthCardError.malformed(
                "TLV tag \(tagText) ends at offset \(valueEnd), "
                    + "but byte \(Hex.encode([trailing[index]])) follows at offset \(offset)")
        }
        return TLVRecord(tag: tag, value: value)
    }

    /// Parses one record; the same as the `ArraySlice` overload.
    public static func parse(
        _ bytes: [UInt8], expectedTag: UInt8? = nil, expectedLength: Int? = nil
    ) throws -> TLVRecord {
        try parse(bytes[...], expectedTag: expectedTag, expectedLength: expectedLength)
    }
}
