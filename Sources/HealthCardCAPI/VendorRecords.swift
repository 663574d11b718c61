import HealthCardFoundation
import ResidentCard

// The photo, the cyclic allergy and immunisation files and the DF03 index (vendor-interface.md §4).

private typealias EF = ResidentCardFileSystem.EF

/// The largest photo the vendor functions move: 2 length bytes + JPEG ≤ 3072 (S4's buffer size).
private let photoLimit = 3072

/// `int iR_DDF1EF07Info(HANDLE, BYTE *ZHAOPIAN)`: `[lenHi, lenLo, JPEG…]` into a buffer of at
/// least 3072 bytes; 113 when the stored length + 2 exceeds 3072. A never-written photo (length
/// `FFFF`) reads as length 0 (the vendor DLL returned 113 for it).
@_cdecl("iR_DDF1EF07Info")
public func iR_DDF1EF07Info(_ h: HANDLE, _ photo: UnsafeMutablePointer<UInt8>?) -> Int32 {
    VendorCall.run("iR_DDF1EF07Info", fallback: VendorCode.readBinary) { port in
        guard let photo else { throw VendorFailure(VendorCode.parameter, "ZHAOPIAN is NULL") }
        let session = try port.requireCard()
        let header = try runBlocking { try await session.readBinaryBytes(of: EF.photo, offset: 0, length: 2) }
        var length = Int(header[0]) << 8 | Int(header[1])
        if length == 0xFFFF { length = 0 }
        guard length + 2 <= photoLimit else {
            throw VendorFailure(VendorCode.photoLength, "the photo declares \(length) bytes; at most \(photoLimit - 2) fit")
        }
        let jpegLength = length
        let jpeg = try runBlocking { try await session.readBinaryBytes(of: EF.photo, offset: 2, length: jpegLength) }
        let bytes = [UInt8(length >> 8), UInt8(length & 0xFF)] + jpeg
        photo.update(from: bytes, count: bytes.count)
        return VendorCode.ok
    }
}

/// `int iW_DDF1EF07Info(HANDLE, BYTE *ZHAOPIAN)`: writes `[lenHi, lenLo, JPEG…]` after UK_DDF1
/// with plain UPDATE BINARY in the configured chunks; 113 when len + 2 > 3072 (the vendor
/// wrote anything and its own read then failed).
@_cdecl("iW_DDF1EF07Info")
public func iW_DDF1EF07Info(_ h: HANDLE, _ photo: UnsafePointer<UInt8>?) -> Int32 {
    VendorCall.run("iW_DDF1EF07Info", fallback: VendorCode.writeBinary) { port in
        guard let photo else { throw VendorFailure(VendorCode.parameter, "ZHAOPIAN is NULL") }
        let length = Int(photo[0]) << 8 | Int(photo[1])
        guard length + 2 <= photoLimit else {
            throw VendorFailure(VendorCode.photoLength, "the photo declares \(length) bytes; at most \(photoLimit - 2) fit")
        }
        let session = try port.requireCard()
        let bytes = Array(UnsafeBufferPointer(start: photo, count: length + 2))
        try runBlocking { try await session.updateBinaryBytes(of: EF.photo, offset: 0, data: bytes) }
        return VendorCode.ok
    }
}

/// Reads record `number` of a cyclic file; 101 outside `1...count`.
private func readCyclic(
    _ function: String, _ file: ElementaryFileSpec, _ number: Int32, _ body: (VendorCoding, [UInt8]) throws -> Void
) -> Int32 {
    VendorCall.run(function, fallback: VendorCode.readRecord) { port in
        guard (1...Int32(file.recordCount)).contains(number) else {
            throw VendorFailure(VendorCode.parameter, "nRecorderNo \(number) is outside 1...\(file.recordCount)")
        }
        let session = try port.requireCard()
        let record = try runBlocking { try await session.readRecordBytes(of: file, number: Int(number)) }
        try body(VendorCoding(text: port.configuration.text), record)
        return VendorCode.ok
    }
}

/// A field's stored text (empty for a never-written record, all `FF`).
private func text(_ coding: VendorCoding, _ record: [UInt8], _ field: FieldSpec) throws -> [UInt8] {
    let bytes = record[field.range]
    return bytes.allSatisfy { $0 == 0xFF } ? [] : try coding.textOutput(bytes)
}

/// `int iR_DF02EF07Info(HANDLE, int nRecorderNo, char *GMWZMC, char *GMFY)`: allergy record
/// n = 1...3 (1 = newest); the name (buffer 21) and the reaction (101) as text, NUL-terminated
/// (the vendor DLL copied 20/100 raw bytes and added no NUL).
@_cdecl("iR_DF02EF07Info")
public func iR_DF02EF07Info(_ h: HANDLE, _ number: Int32, _ GMWZMC: COut, _ GMFY: COut) -> Int32 {
    readCyclic("iR_DF02EF07Info", EF.allergies, number) { coding, record in
        let fields = EF.allergies.fields
        if let GMWZMC { VendorCoding.put(try text(coding, record, fields[0]), into: GMWZMC) }
        if let GMFY { VendorCoding.put(try text(coding, record, fields[1]), into: GMFY) }
    }
}

/// `int iR_DF02EF08Info(HANDLE, int nRecorderNo, char *MYJZMC, char *MYJZSJ)`: immunisation
/// record n = 1...10; the name (buffer 21) and the date as all 8 hex digits, not F-trimmed (9).
@_cdecl("iR_DF02EF08Info")
public func iR_DF02EF08Info(_ h: HANDLE, _ number: Int32, _ MYJZMC: COut, _ MYJZSJ: COut) -> Int32 {
    readCyclic("iR_DF02EF08Info", EF.immunizations, number) { coding, record in
        let fields = EF.immunizations.fields
        if let MYJZMC { VendorCoding.put(try text(coding, record, fields[0]), into: MYJZMC) }
        if let MYJZSJ { VendorCoding.put(Array(Hex.encode(record[fields[1].range]).utf8), into: MYJZSJ) }
    }
}

/// Builds a cyclic record from the given values (NULL = empty) and appends it as the newest.
private func appendCyclic(_ function: String, _ file: ElementaryFileSpec, _ values: [CIn]) -> Int32 {
    VendorCall.run(function, fallback: VendorCode.writeRecord) { port in
        let coding = VendorCoding(text: port.configuration.text)
        var record = [UInt8](repeating: 0x00, count: CardRecordCodec.fixedLength(of: file))
        for (field, value) in zip(file.fields, values) {
            let bytes =
                try VendorCoding.argument(value).map { try coding.input($0, for: field, as: field.encoding) }
                ?? (field.encoding == .ans ? [UInt8](repeating: 0, count: field.length) : [UInt8](repeating: 0xFF, count: field.length))
            record.replaceSubrange(field.range, with: bytes)
        }
        let session = try port.requireCard()
        let bytes = record
        try runBlocking { try await session.appendCyclicRecord(of: file, bytes: bytes) }
        return VendorCode.ok
    }
}

/// `int iW_DF02EF07Info(HANDLE, char *GMWZMC, char *GMFY)`: a 120-byte allergy record (name at
/// 0, reaction at 20) becomes record 1 (plain `00 DC 00 03` after UK_DF02_3, as S1 and the
/// library's session; S2 used secure messaging).
@_cdecl("iW_DF02EF07Info")
public func iW_DF02EF07Info(_ h: HANDLE, _ GMWZMC: CIn, _ GMFY: CIn) -> Int32 {
    appendCyclic("iW_DF02EF07Info", EF.allergies, [GMWZMC, GMFY])
}

/// `int iW_DF02EF08Info(HANDLE, char *MYJZMC, char *MYJZSJ)`: a 24-byte immunisation record
/// (name, date "YYYYMMDD").
@_cdecl("iW_DF02EF08Info")
public func iW_DF02EF08Info(_ h: HANDLE, _ MYJZMC: CIn, _ MYJZSJ: CIn) -> Int32 {
    appendCyclic("iW_DF02EF08Info", EF.immunizations, [MYJZMC, MYJZSJ])
}

// MARK: DF03 index

private func readIndex(_ function: String, _ kind: EncounterKind, _ buffers: [COut]) -> Int32 {
    VendorCall.run(function, fallback: VendorCode.readRecord) { port in
        let session = try port.requireCard()
        var flags: [[UInt8]] = []
        for number in 1...kind.indexFile.recordCount {
            flags.append(try runBlocking { try await session.readRecordBytes(of: kind.indexFile, number: number) })
        }
        for (buffer, flag) in zip(buffers, flags) {
            if let buffer { VendorCoding.put(Array(Hex.encode(flag).utf8), into: buffer) }
        }
        return VendorCode.ok
    }
}

private func markIndex(_ function: String, _ kind: EncounterKind, _ number: Int32, valid: Bool) -> Int32 {
    VendorCall.run(function, fallback: valid ? VendorCode.markValid : VendorCode.erase) { port in
        guard (1...Int32(kind.indexFile.recordCount)).contains(number) else {
            throw VendorFailure(VendorCode.parameter, "nRecorderNo \(number) is outside 1...\(kind.indexFile.recordCount)")
        }
        let session = try port.requireCard()
        do {
            if valid {
                try runBlocking { try await session.markValid(kind, slot: Int(number)) }
            } else {
                try runBlocking { try await session.erase(kind, slot: Int(number)) }
            }
        } catch let error as CardCommandError where error.command == .writeRecord || error.command == .eraseRecord {
            throw VendorFailure(valid ? VendorCode.markValid : VendorCode.erase, "\(error)")
        }
        return VendorCode.ok
    }
}

/// `int iR_DF03EF05Info(HANDLE, char *ZYJLBS1, char *ZYJLBS2, char *ZYJLBS3)`: the inpatient
/// index, "00" valid / "FF" empty (buffers of 3).
@_cdecl("iR_DF03EF05Info")
public func iR_DF03EF05Info(_ h: HANDLE, _ ZYJLBS1: COut, _ ZYJLBS2: COut, _ ZYJLBS3: COut) -> Int32 {
    readIndex("iR_DF03EF05Info", .inpatient, [ZYJLBS1, ZYJLBS2, ZYJLBS3])
}

/// `int iR_DF03EF06Info(HANDLE, char *MZJLBS1, … char *MZJLBS5)`: the outpatient index.
@_cdecl("iR_DF03EF06Info")
public func iR_DF03EF06Info(
    _ h: HANDLE, _ MZJLBS1: COut, _ MZJLBS2: COut, _ MZJLBS3: COut, _ MZJLBS4: COut, _ MZJLBS5: COut
) -> Int32 {
    readIndex("iR_DF03EF06Info", .outpatient, [MZJLBS1, MZJLBS2, MZJLBS3, MZJLBS4, MZJLBS5])
}

/// `int iW_DF03EF05Info(HANDLE, int nRecorderNo)`: marks inpatient slot n valid (`84 D2`); 110.
@_cdecl("iW_DF03EF05Info")
public func iW_DF03EF05Info(_ h: HANDLE, _ number: Int32) -> Int32 {
    markIndex("iW_DF03EF05Info", .inpatient, number, valid: true)
}

/// `int iErase_DF03EF05Info(HANDLE, int nRecorderNo)`: marks inpatient slot n empty (`84 0C`); 111.
@_cdecl("iErase_DF03EF05Info")
public func iErase_DF03EF05Info(_ h: HANDLE, _ number: Int32) -> Int32 {
    markIndex("iErase_DF03EF05Info", .inpatient, number, valid: false)
}

/// `int iW_DF03EF06Info(HANDLE, int nRecorderNo)`: marks outpatient slot n valid; 110.
@_cdecl("iW_DF03EF06Info")
public func iW_DF03EF06Info(_ h: HANDLE, _ number: Int32) -> Int32 {
    markIndex("iW_DF03EF06Info", .outpatient, number, valid: true)
}

/// `int iErase_DF03EF06Info(HANDLE, int nRecorderNo)`: marks outpatient slot n empty; 111.
@_cdecl("iErase_DF03EF06Info")
public func iErase_DF03EF06Info(_ h: HANDLE, _ number: Int32) -> Int32 {
    markIndex("iErase_DF03EF06Info", .outpatient, number, valid: false)
}
