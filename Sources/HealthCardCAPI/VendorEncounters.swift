import HealthCardFoundation
import ResidentCard

/// The encounter functions (vendor-interface.md §5): positional access to EE01-03/ED01-05 by
/// byte offset and style, and the whole data area as `|`-separated fields.
enum VendorEncounters {
    /// `nStyle` (vendor-interface.md §2.1): `NO_style 0x00, AN_style 0x01, CN_style 0x0F, B_style 0xFF`.
    enum Style: Int32 {
        case no = 0x00, an = 0x01, cn = 0x0F, b = 0xFF
    }

    /// The fields of an encounter's data area in item order (appendix A items 64-210, B 213-382):
    /// signature and SAM certificate excluded.
    static func dataFields(_ kind: EncounterKind) -> [FieldSpec] {
        kind.files[0].allFields.filter { $0.offset < kind.dataLength }.sorted { $0.offset < $1.offset }
    }

    static func file(_ kind: EncounterKind, _ number: Int32) throws -> ElementaryFileSpec {
        guard (1...Int32(kind.files.count)).contains(number) else {
            throw VendorFailure(VendorCode.parameter, "nRecorderNo \(number) is outside 1...\(kind.files.count)")
        }
        return kind.files[Int(number) - 1]
    }

    /// Checks `nPos`/`nLen` against the data area (1639 / 3013 bytes, both directions: the vendor's
    /// ED read bound of 3113 was a typo) and the style; 101 otherwise.
    static func range(_ kind: EncounterKind, _ position: Int32, _ length: Int32, _ style: Int32) throws -> (Int, Int, Style) {
        guard position >= 0, length > 0, Int(position) + Int(length) <= kind.dataLength else {
            throw VendorFailure(
                VendorCode.parameter, "nPos \(position) + nLen \(length) is outside the \(kind.dataLength)-byte data area")
        }
        guard let style = Style(rawValue: style) else {
            throw VendorFailure(VendorCode.parameter, "nStyle 0x\(String(style, radix: 16)) is not 0x00, 0x01, 0x0F or 0xFF")
        }
        return (Int(position), Int(length), style)
    }

    static func readPositional(
        _ function: String, _ kind: EncounterKind, _ number: Int32, _ data: COut, _ position: Int32, _ length: Int32,
        _ style: Int32
    ) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.readBinary) { port in
            let file = try file(kind, number)
            let (offset, count, style) = try range(kind, position, length, style)
            guard let data else { throw VendorFailure(VendorCode.parameter, "szData is NULL") }
            let session = try port.requireCard()
            let bytes = try runBlocking { try await session.readBinaryBytes(of: file, offset: offset, length: count) }
            let output: [UInt8] =
                switch style {
                case .no, .b: Array(Hex.encode(bytes).utf8)
                case .cn: Array(VendorCoding.digits(bytes).utf8)
                case .an: bytes
                }
            // AN: the raw bytes, then a NUL the vendor did not add (buffer nLen + 1).
            VendorCoding.put(output, into: data)
            return VendorCode.ok
        }
    }

    static func writePositional(
        _ function: String, _ kind: EncounterKind, _ number: Int32, _ data: CIn, _ position: Int32, _ length: Int32,
        _ style: Int32
    ) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.writeBinary) { port in
            let file = try file(kind, number)
            let (offset, count, style) = try range(kind, position, length, style)
            guard let data else { throw VendorFailure(VendorCode.parameter, "szData is NULL") }
            let bytes: [UInt8]
            if style == .an {
                bytes = Array(UnsafeRawBufferPointer(start: data, count: count))
            } else {
                var digits = String(decoding: VendorCoding.argument(data) ?? [], as: UTF8.self)
                guard digits.count <= 2 * count, digits.count % 2 == 0 || style != .no else {
                    throw VendorFailure(VendorCode.parameter, "szData has \(digits.count) hex digits for \(count) bytes")
                }
                if style == .cn { digits += String(repeating: "F", count: 2 * count - digits.count) }
                if style == .b { digits += String(repeating: "0", count: 2 * count - digits.count) }
                guard let decoded = try? Hex.decode(digits) else {
                    throw VendorFailure(VendorCode.parameter, "szData '\(digits)' is not hex digits")
                }
                bytes = decoded
            }
            let session = try port.requireCard()
            try runBlocking { try await session.updateBinaryBytes(of: file, offset: offset, data: bytes) }
            return VendorCode.ok
        }
    }

    /// The whole data area as `|`-separated fields: `ans` text (trailing 00 dropped), `cn` and `b`
    /// as full-length hex, not F-trimmed (an unwritten date reads "FFFFFFFF"), as the vendor.
    static func readAll(_ function: String, _ kind: EncounterKind, _ number: Int32, _ data: COut) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.readBinary) { port in
            let file = try file(kind, number)
            guard let data else { throw VendorFailure(VendorCode.parameter, "szData is NULL") }
            let session = try port.requireCard()
            let coding = VendorCoding(text: port.configuration.text)
            let bytes = try runBlocking { try await session.readBinaryBytes(of: file, offset: 0, length: kind.dataLength) }
            var output: [UInt8] = []
            for (index, field) in dataFields(kind).enumerated() {
                if index > 0 { output.append(UInt8(ascii: "|")) }
                let value = bytes[field.range]
                output += field.encoding == .ans ? try coding.textOutput(value) : Array(Hex.encode(value).utf8)
            }
            VendorCoding.put(output, into: data)
            return VendorCode.ok
        }
    }

    /// Parses the `|`-separated fields and writes the whole data area, then the SAM's signature
    /// and certificate (health-card.md §7.6; the vendor wrote no signature, so its records fail
    /// verification). Missing trailing fields are blank (text 00, `cn`/`b` FF, the card's "never
    /// written"); short `cn` values are F-padded and short `b` values 0-padded. Does not touch the
    /// index: mark the slot valid with `iW_DF03EF05Info`/`iW_DF03EF06Info` afterwards.
    static func writeAll(_ function: String, _ kind: EncounterKind, _ number: Int32, _ data: CIn) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.writeBinary) { port in
            let file = try file(kind, number)
            guard let data else { throw VendorFailure(VendorCode.parameter, "szData is NULL") }
            let coding = VendorCoding(text: port.configuration.text)
            let fields = dataFields(kind)
            let values = (VendorCoding.argument(data) ?? []).split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
            guard values.count <= fields.count else {
                throw VendorFailure(VendorCode.parameter, "szData has \(values.count) fields; the record has \(fields.count)")
            }
            var area = blankArea(kind)
            for (index, field) in fields.enumerated() where index < values.count {
                do {
                    area.replaceSubrange(field.range, with: try fieldBytes(field, Array(values[index]), coding: coding))
                } catch let failure as VendorFailure {
                    throw VendorFailure(failure.code, "field \(index + 1) (\(field.chineseName)): \(failure.description)")
                }
            }
            try writeSigned(area, to: file, session: try port.requireCard())
            return VendorCode.ok
        }
    }

    /// A data area never written: text 00, `cn` and `b` FF (health-card.md §3).
    static func blankArea(_ kind: EncounterKind) -> [UInt8] {
        var area = [UInt8](repeating: 0xFF, count: kind.dataLength)
        for field in dataFields(kind) where field.encoding == .ans {
            area.replaceSubrange(field.range, with: [UInt8](repeating: 0, count: field.length))
        }
        return area
    }

    /// The card bytes of one field's API value: text as configured, `cn` hex digits F-padded,
    /// `b` hex digits 0-padded; empty = blank.
    static func fieldBytes(_ field: FieldSpec, _ value: [UInt8], coding: VendorCoding) throws -> [UInt8] {
        if field.encoding == .ans { return try coding.input(value, for: field, as: .ans) }
        var digits = String(decoding: value, as: UTF8.self)
        guard digits.count <= 2 * field.length else {
            throw VendorFailure(VendorCode.parameter, "\(digits.count) hex digits for \(field.length) bytes")
        }
        let pad: Character = digits.isEmpty || field.encoding == .cn ? "F" : "0"
        digits += String(repeating: pad, count: 2 * field.length - digits.count)
        guard let decoded = try? Hex.decode(digits) else {
            throw VendorFailure(VendorCode.parameter, "'\(digits)' is not hex digits")
        }
        return decoded
    }

    /// Writes a data area followed by the SAM's signature and certificate.
    static func writeSigned(_ area: [UInt8], to file: ElementaryFileSpec, session: TerminalSession) throws {
        let signed = area + (try runBlocking { try await session.encounterSignature(over: area) })
        try runBlocking { try await session.updateBinaryBytes(of: file, offset: 0, data: signed) }
    }
}

/// `int iR_DF03EEInfo(HANDLE, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle)`.
@_cdecl("iR_DF03EEInfo")
public func iR_DF03EEInfo(_ h: HANDLE, _ n: Int32, _ data: COut, _ position: Int32, _ length: Int32, _ style: Int32) -> Int32 {
    VendorEncounters.readPositional("iR_DF03EEInfo", .inpatient, n, data, position, length, style)
}

/// `int iW_DF03EEInfo(HANDLE, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle)`.
@_cdecl("iW_DF03EEInfo")
public func iW_DF03EEInfo(_ h: HANDLE, _ n: Int32, _ data: CIn, _ position: Int32, _ length: Int32, _ style: Int32) -> Int32 {
    VendorEncounters.writePositional("iW_DF03EEInfo", .inpatient, n, data, position, length, style)
}

/// `int iR_DF03EDInfo(HANDLE, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle)`.
@_cdecl("iR_DF03EDInfo")
public func iR_DF03EDInfo(_ h: HANDLE, _ n: Int32, _ data: COut, _ position: Int32, _ length: Int32, _ style: Int32) -> Int32 {
    VendorEncounters.readPositional("iR_DF03EDInfo", .outpatient, n, data, position, length, style)
}

/// `int iW_DF03EDInfo(HANDLE, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle)`.
@_cdecl("iW_DF03EDInfo")
public func iW_DF03EDInfo(_ h: HANDLE, _ n: Int32, _ data: CIn, _ position: Int32, _ length: Int32, _ style: Int32) -> Int32 {
    VendorEncounters.writePositional("iW_DF03EDInfo", .outpatient, n, data, position, length, style)
}

/// `int iR_DF03EE_ALLInfo(HANDLE, int nRecorderNo, char *szData)`: buffer ≥ 2014 (GBK).
@_cdecl("iR_DF03EE_ALLInfo")
public func iR_DF03EE_ALLInfo(_ h: HANDLE, _ n: Int32, _ data: COut) -> Int32 {
    VendorEncounters.readAll("iR_DF03EE_ALLInfo", .inpatient, n, data)
}

/// `int iW_DF03EE_ALLInfo(HANDLE, int nRecorderNo, char *szData)`.
@_cdecl("iW_DF03EE_ALLInfo")
public func iW_DF03EE_ALLInfo(_ h: HANDLE, _ n: Int32, _ data: CIn) -> Int32 {
    VendorEncounters.writeAll("iW_DF03EE_ALLInfo", .inpatient, n, data)
}

/// `int iR_DF03ED_ALLInfo(HANDLE, int nRecorderNo, char *szData)`: buffer ≥ 3453 (GBK).
@_cdecl("iR_DF03ED_ALLInfo")
public func iR_DF03ED_ALLInfo(_ h: HANDLE, _ n: Int32, _ data: COut) -> Int32 {
    VendorEncounters.readAll("iR_DF03ED_ALLInfo", .outpatient, n, data)
}

/// `int iW_DF03ED_ALLInfo(HANDLE, int nRecorderNo, char *szData)`.
@_cdecl("iW_DF03ED_ALLInfo")
public func iW_DF03ED_ALLInfo(_ h: HANDLE, _ n: Int32, _ data: CIn) -> Int32 {
    VendorEncounters.writeAll("iW_DF03ED_ALLInfo", .outpatient, n, data)
}
