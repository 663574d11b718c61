import HealthCardFoundation
import ResidentCard

/// The item-number interface `wsc_GetCardInfo` / `wsc_PutCardInfo` (vendor-interface.md §6):
/// an array of `ITEMSELECT` (S1/S7's five-member layout; S5's three-member variant is not
/// supported [U]). On Linux (LP64) the C struct of hcard_vendor.h is
/// `{uint16_t wItemFlag; uint16_t wID; void *pValue; uint16_t wValueLen; uint32_t *pdwErrCode;}`
/// at offsets 0, 2, 8, 16, 24, 32 bytes apart.
enum VendorItemSelect {
    struct Entry {
        let base: UnsafeMutableRawPointer
        var item: Int { Int(base.load(as: UInt16.self)) }
        var id: Int { Int(base.load(fromByteOffset: 2, as: UInt16.self)) }
        var value: UnsafeMutablePointer<CChar>? { base.load(fromByteOffset: 8, as: UnsafeMutablePointer<CChar>?.self) }
        var valueLength: Int { Int(base.load(fromByteOffset: 16, as: UInt16.self)) }
        func report(_ code: Int32) {
            base.load(fromByteOffset: 24, as: UnsafeMutablePointer<UInt32>?.self)?.pointee = UInt32(bitPattern: code)
        }
    }

    static let stride = 32

    static func entries(_ select: UnsafeMutableRawPointer?, _ count: Int32) throws -> [Entry] {
        guard let select, count > 0 else { throw VendorFailure(VendorCode.parameter, "pvSelect is NULL or nItem < 1") }
        return (0..<Int(count)).map { Entry(base: select + $0 * stride) }
    }

    /// Runs `body` per entry in order and stops at the first failure; each entry's code goes to
    /// its `pdwErrCode` (if not NULL) and the call returns the first failure's code (the vendor's
    /// put discarded them and returned 0).
    static func each(_ function: String, _ select: UnsafeMutableRawPointer?, _ count: Int32, fallback: Int32,
        _ body: (inout VendorPort, Entry) throws -> Void) -> UInt32
    {
        UInt32(
            bitPattern: VendorCall.run(function, fallback: fallback) { port in
                for entry in try entries(select, count) {
                    do {
                        try body(&port, entry)
                        entry.report(VendorCode.ok)
                    } catch {
                        entry.report(VendorCall.code(of: error, fallback: fallback))
                        throw VendorFailure(VendorCall.code(of: error, fallback: fallback), "item \(entry.item): \(error)")
                    }
                }
                return VendorCode.ok
            })
    }

    static func get(_ port: inout VendorPort, _ entry: Entry) throws {
        let session = try port.requireCard()
        let coding = VendorCoding(text: port.configuration.text)
        let output: [UInt8]
        switch try VendorItemNumber.locate(entry.item) {
        case .tlv(let file, let index):
            let field = file.fields[index]
            let records = try runBlocking { try await session.readItemRecords(of: file) }
            let tlv = try TLVRecord.parse(records[index], expectedTag: field.item, expectedLength: field.length)
            output = try coding.output(tlv.value, as: VendorItems.encoding(of: field, in: file))
        case .cyclic(let file, let index):
            let number = entry.id
            guard (1...file.recordCount).contains(number) else {
                throw VendorFailure(VendorCode.parameter, "wID \(number) is not a record of \(file.path) (1...\(file.recordCount))")
            }
            let record = try runBlocking { try await session.readRecordBytes(of: file, number: number) }
            let field = file.fields[index]
            let bytes = record[field.range]
            output =
                field.encoding == .ans
                ? (bytes.allSatisfy { $0 == 0xFF } ? [] : try coding.textOutput(bytes)) : Array(Hex.encode(bytes).utf8)
        case .index(let kind):
            guard (1...kind.indexFile.recordCount).contains(entry.id) else {
                throw VendorFailure(VendorCode.parameter, "wID \(entry.id) is not a \(kind) slot")
            }
            let id = entry.id
            output = Array(Hex.encode(try runBlocking { try await session.readRecordBytes(of: kind.indexFile, number: id) }).utf8)
        case .encounter(let kind, let field):
            let file = try VendorEncounters.file(kind, Int32(entry.id))
            let bytes = try runBlocking { try await session.readBinaryBytes(of: file, offset: field.offset, length: field.length) }
            output = try coding.output(bytes, as: field.encoding)
        }
        guard let value = entry.value, entry.valueLength >= output.count + 1 else {
            throw VendorFailure(
                VendorCode.parameter, "wValueLen \(entry.valueLength) is too small: the value needs \(output.count + 1) bytes")
        }
        VendorCoding.put(output, into: value)
    }

    static func put(_ port: inout VendorPort, _ entry: Entry) throws {
        guard let text = VendorCoding.argument(entry.value) else { return }  // NULL or "": not written
        let session = try port.requireCard()
        let coding = VendorCoding(text: port.configuration.text)
        switch try VendorItemNumber.locate(entry.item) {
        case .tlv(let file, let index):
            let field = file.fields[index]
            let bytes = try coding.input(text, for: field, as: VendorItems.encoding(of: field, in: file))
            try runBlocking { try await session.writeItem(of: file, index: index, value: bytes) }
        case .cyclic:
            throw VendorFailure(VendorCode.parameter, "items 58-61 are written as a record: iW_DF02EF07Info, iW_DF02EF08Info")
        case .index(let kind):
            let slot = entry.id
            guard (1...kind.indexFile.recordCount).contains(slot) else {
                throw VendorFailure(VendorCode.parameter, "wID \(slot) is not a \(kind) slot")
            }
            switch String(decoding: text, as: UTF8.self) {
            case "00": try runBlocking { try await session.markValid(kind, slot: slot) }
            case "FF", "ff": try runBlocking { try await session.erase(kind, slot: slot) }
            default: throw VendorFailure(VendorCode.parameter, "an index value is \"00\" (valid) or \"FF\" (empty)")
            }
        case .encounter(let kind, let field):
            let file = try VendorEncounters.file(kind, Int32(entry.id))
            let bytes = try coding.input(text, for: field, as: field.encoding)
            try runBlocking { try await session.updateBinaryBytes(of: file, offset: field.offset, data: bytes) }
        }
    }
}

/// `DWORD wsc_GetCardInfo(HANDLE hCard, ITEMSELECT *pvSelect, int nItem)`: reads the listed items
/// in order, coded as §2.1, into each `pValue` (`wValueLen` must hold the coded value and a NUL);
/// `wID` = record number (58-61), slot (62, 63), file number (64-384). Stops at the first error.
@_cdecl("wsc_GetCardInfo")
public func wsc_GetCardInfo(_ hCard: HANDLE, _ select: UnsafeMutableRawPointer?, _ count: Int32) -> UInt32 {
    VendorItemSelect.each("wsc_GetCardInfo", select, count, fallback: VendorCode.readRecord, VendorItemSelect.get)
}

/// `DWORD wsc_PutCardInfo(HANDLE hCard, ITEMSELECT *pvSelect, int nItem)`: writes the listed
/// items: TLV items with secure messaging, encounter items (signature and certificate, 211/212
/// and 383/384, included) by UPDATE BINARY, index items 62/63 "00" = mark valid, "FF" = erase.
/// NULL or "" values are skipped; the first failure stops and is returned.
@_cdecl("wsc_PutCardInfo")
public func wsc_PutCardInfo(_ hCard: HANDLE, _ select: UnsafeMutableRawPointer?, _ count: Int32) -> UInt32 {
    VendorItemSelect.each("wsc_PutCardInfo", select, count, fallback: VendorCode.writeRecord, VendorItemSelect.put)
}
