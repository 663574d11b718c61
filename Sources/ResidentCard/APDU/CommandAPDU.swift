import HealthCardFoundation

/// A command APDU (ISO/IEC 7816-4:2005 §5.1, "Command-response pairs").
///
/// A command is a 4-byte header (`CLA INS P1 P2`), an optional data field of `Nc` bytes and an
/// optional expected response length `Ne`. How `Nc` and `Ne` are written on the wire depends on
/// their sizes; ISO 7816-4 §5.1 defines seven layouts ("cases"):
///
/// ```
///     case 1:  |CLA|INS|P1 |P2 |                                 len = 4
///     case 2s: |CLA|INS|P1 |P2 |LE |                             len = 5
///     case 3s: |CLA|INS|P1 |P2 |LC |...BODY...|                  len = 6..260
///     case 4s: |CLA|INS|P1 |P2 |LC |...BODY...|LE |              len = 7..261
///     case 2e: |CLA|INS|P1 |P2 |00 |LE1|LE2|                     len = 7
///     case 3e: |CLA|INS|P1 |P2 |00 |LC1|LC2|...BODY...|          len = 8..65542
///     case 4e: |CLA|INS|P1 |P2 |00 |LC1|LC2|...BODY...|LE1|LE2|  len = 10..65544
///
///     LE, LE1, LE2 may be 0x00 (the wildcard: Ne = 256 short, Ne = 65536 extended).
///     LC must not be 0x00 and LC1|LC2 must not be 0x00|0x00.
/// ```
/// (Table after gematik's ref-OpenHealthCardKit `APDU.swift`.)
///
/// The short form is used whenever both fields fit it (`Nc ≤ 255` and `Ne ≤ 256`); otherwise both
/// fields are extended, because ISO 7816-4 does not allow mixing a short Lc with an extended Le.
///
/// Why the type stores `Nc`/`Ne` and not the encoded bytes: the health-card command layer reasons
/// in lengths ("read 0x80 bytes", "resend with Le = 0x10" after `6Cxx`), and keeping the values
/// makes every instance valid by construction. ``bytes`` is derived on demand, and
/// `init(bytes:)` parses any case back (the virtual card receives raw bytes from vpcd).
/// Value → bytes → value round-trips exactly; bytes → value → bytes does too for canonical input
/// (a card that sends an extended encoding for a short length gets back the short encoding).
///
/// - SeeAlso: ISO/IEC 7816-4:2005 §5.1 (Lc/Le encoding); health-card.md §6 (the commands).
public struct CommandAPDU: Hashable, Sendable {
    /// Class byte: interindustry `00`, secure messaging `04`/`0C`, proprietary `80`/`84`.
    public let cla: UInt8
    /// Instruction byte, e.g. `A4` SELECT.
    public let ins: UInt8
    public let p1: UInt8
    public let p2: UInt8
    /// The command data field; its count is `Nc`.
    public let data: [UInt8]
    /// The maximum number of response data bytes expected (`Ne`), or `nil` for "no Le field".
    /// `256` and `65536` are the wildcards ("as many as available") in short and extended form.
    public let ne: Int?

    /// The largest data field an APDU can carry (extended Lc, ISO 7816-4 §5.1).
    public static let maxNc = 65_535
    /// The largest expected length: extended Le `0000` (ISO 7816-4 §5.1).
    public static let maxNe = 65_536
    /// `Ne` encoded as short Le `00`.
    public static let shortWildcard = 256
    /// `Ne` encoded as extended Le `0000`.
    public static let extendedWildcard = 65_536

    /// Builds a command, validating the lengths ISO 7816-4 §5.1 allows.
    ///
    /// - Parameters:
    ///   - data: the data field; empty means "no Lc" (case 1 or 2).
    ///   - ne: the expected response length `1...65536`, or `nil` for no Le (case 1 or 3).
    ///   - cla: the class byte.
    ///   - ins: the instruction byte.
    ///   - p1: the first parameter byte.
    ///   - p2: the second parameter byte.
    ///     Use `256` for short Le `00` ("all bytes, up to 256").
    /// - Throws: `HealthCardError/Code/invalidValue` when `data` is longer than 65535 bytes or
    ///   `ne` is outside `1...65536` (Ne = 0 is spelled `nil`: there is no Le field that means 0).
    public init(
        cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], ne: Int? = nil
    ) throws(HealthCardError) {
        guard data.count <= Self.maxNc else {
            throw .invalidValue("command data is \(data.count) bytes; an APDU carries at most \(Self.maxNc)")
        }
        if let ne, !(1...Self.maxNe).contains(ne) {
            throw .invalidValue("expected length Ne \(ne) is outside 1...\(Self.maxNe) (use nil for no Le)")
        }
        self.init(validatedCLA: cla, ins: ins, p1: p1, p2: p2, data: data, ne: ne)
    }

    /// For factories whose arguments are valid by construction (fixed lengths ≤ 255 / 256).
    init(validatedCLA cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], ne: Int? = nil) {
        assert(data.count <= Self.maxNc && (ne.map { (1...Self.maxNe).contains($0) } ?? true))
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.ne = ne
    }

    /// `Nc`, the number of data bytes.
    public var nc: Int { data.count }

    /// The same command with another expected length, as T=0 needs after `6Cxx`
    /// ("wrong Le field, resend with Le = xx": ISO/IEC 7816-4:2005 §5.1.3, the T=0 rules of ISO/IEC 7816-3).
    public func with(ne newNe: Int?) throws(HealthCardError) -> CommandAPDU {
        try CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: data, ne: newNe)
    }
}

// MARK: - ISO case

extension CommandAPDU {
    /// The ISO 7816-4 §5.1 case of a command: which of Lc and Le are present, and in which form.
    public enum Case: Hashable, Sendable, CaseIterable {
        case one, twoShort, threeShort, fourShort, twoExtended, threeExtended, fourExtended
    }

    /// Whether Lc/Le use the 3-byte / 2-byte extended form. True when `Nc > 255` or `Ne > 256`.
    public var isExtended: Bool { nc > 255 || (ne ?? 0) > Self.shortWildcard }

    /// The case this command is encoded as.
    public var isoCase: Case {
        switch (nc > 0, ne != nil, isExtended) {
        case (false, false, _): .one
        case (false, true, false): .twoShort
        case (false, true, true): .twoExtended
        case (true, false, false): .threeShort
        case (true, false, true): .threeExtended
        case (true, true, false): .fourShort
        case (true, true, true): .fourExtended
        }
    }
}

// MARK: - Encoding

extension CommandAPDU {
    /// The wire encoding, per the case table above.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + 3 + nc + 3)
        out.append(contentsOf: [cla, ins, p1, p2])
        out.append(contentsOf: lcField)
        out.append(contentsOf: data)
        out.append(contentsOf: leField)
        return out
    }

    /// The Lc field as encoded: empty, 1 byte, or `00 LC1 LC2`.
    var lcField: [UInt8] {
        guard nc > 0 else { return [] }
        return isExtended ? [0x00, UInt8(nc >> 8), UInt8(nc & 0xFF)] : [UInt8(nc)]
    }

    /// The Le field as encoded: empty, 1 byte, 2 bytes (after an extended Lc) or `00 LE1 LE2` (case 2E).
    var leField: [UInt8] {
        guard let ne else { return [] }
        guard isExtended else { return [ne == Self.shortWildcard ? 0x00 : UInt8(ne)] }
        let value = ne == Self.extendedWildcard ? 0 : ne
        let twoBytes = [UInt8(value >> 8), UInt8(value & 0xFF)]
        return nc > 0 ? twoBytes : [0x00] + twoBytes
    }
}

// MARK: - Parsing

extension CommandAPDU {
    /// Parses a command in any ISO 7816-4 case, as received from vpcd or a PC/SC log.
    ///
    /// - Throws: `HealthCardError/Code/truncated` for fewer than 4 bytes;
    ///   `HealthCardError/Code/malformed` when the length fields disagree with the byte count
    ///   (the reason names the byte offset where the encoding goes wrong).
    public init(bytes: [UInt8]) throws(HealthCardError) {
        try self.init(bytes: bytes[...])
    }

    /// Slice overload of `init(bytes:)`; byte offsets in errors count from the slice's first byte (CLA).
    public init(bytes input: ArraySlice<UInt8>) throws(HealthCardError) {
        var cursor = input
        let start = input.startIndex
        guard cursor.count >= 4 else {
            throw .truncated("command APDU needs a 4-byte header, got \(cursor.count) bytes at byte offset 0")
        }
        let header = Array(cursor.prefix(4))
        cursor = cursor.dropFirst(4)
        let body = try Self.parseBody(cursor, offsetBase: cursor.startIndex - start)
        self.init(
            validatedCLA: header[0], ins: header[1], p1: header[2], p2: header[3], data: body.data, ne: body.ne)
    }

    /// Splits what follows the header into data and Ne. `offsetBase` is the offset of `body`'s
    /// first byte within the whole APDU (always 4), so error messages count from CLA.
    private static func parseBody(
        _ body: ArraySlice<UInt8>, offsetBase: Int
    ) throws(HealthCardError) -> (data: [UInt8], ne: Int?) {
        let bytes = Array(body)
        let n = bytes.count
        func at(_ index: Int) -> Int { offsetBase + index }

        if n == 0 { return ([], nil) }  // case 1
        if n == 1 { return ([], bytes[0] == 0 ? shortWildcard : Int(bytes[0])) }  // case 2S

        if bytes[0] != 0 {  // short Lc: case 3S or 4S
            let lc = Int(bytes[0])
            let rest = n - 1
            if rest == lc { return (Array(bytes[1...]), nil) }
            if rest == lc + 1 {
                let le = bytes[n - 1]
                return (Array(bytes[1...lc]), le == 0 ? shortWildcard : Int(le))
            }
            if rest < lc {
                throw .malformed(
                    "Lc 0x\(Hex.encode([bytes[0]])) announces \(lc) data bytes but only \(rest) follow"
                        + "; input ends at byte offset \(at(n))")
            }
            throw .malformed(
                "\(rest - lc - 1) unexpected bytes after Lc, \(lc) data bytes and Le at byte offset \(at(1 + lc + 1))")
        }

        // bytes[0] == 00 and more follows: extended length.
        guard n >= 3 else {
            throw .malformed("extended length field needs 2 more bytes after 00 at byte offset \(at(1))")
        }
        let value = Int(bytes[1]) << 8 | Int(bytes[2])
        if n == 3 { return ([], value == 0 ? extendedWildcard : value) }  // case 2E

        guard value != 0 else {
            throw .malformed("extended Lc is 0000 but data follows at byte offset \(at(1))")
        }
        let lc = value
        let rest = n - 3
        if rest == lc { return (Array(bytes[3...]), nil) }  // case 3E
        if rest == lc + 2 {  // case 4E
            let le = Int(bytes[n - 2]) << 8 | Int(bytes[n - 1])
            return (Array(bytes[3..<(3 + lc)]), le == 0 ? extendedWildcard : le)
        }
        if rest < lc {
            throw .malformed(
                "extended Lc \(Hex.encode(bytes[1...2])) announces \(lc) data bytes but only \(rest) follow"
                    + "; input ends at byte offset \(at(n))")
        }
        if rest == lc + 1 {
            throw .malformed("extended Le needs 2 bytes, found 1 at byte offset \(at(3 + lc))")
        }
        throw .malformed(
            "\(rest - lc - 2) unexpected bytes after extended Lc, \(lc) data bytes and Le"
                + " at byte offset \(at(3 + lc + 2))")
    }
}

// MARK: - CustomStringConvertible

extension CommandAPDU: CustomStringConvertible {
    /// The encoded bytes in hex, e.g. `00A4000002DDF1`.
    ///
    /// The data field of PIN commands (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and the
    /// SAM's vendor CHANGE PIN `80 5E`) is shown as `**` per byte, so that printing a command can
    /// never leak the SAM PIN into a log. Use ``bytes`` when you need the real encoding.
    public var description: String {
        guard carriesSecret, nc > 0 else { return Hex.encode(bytes) }
        let mask = String(repeating: "**", count: nc)
        return Hex.encode([cla, ins, p1, p2]) + Hex.encode(lcField) + mask + Hex.encode(leField)
    }

    /// Whether the data field is a PIN or other reference data that must not appear in logs:
    /// ISO/IEC 7816-4:2005 §7.5.6 VERIFY (`20`), §7.5.7 CHANGE REFERENCE DATA (`24`), §7.5.10 RESET
    /// RETRY COUNTER (`2C`), and the SAM vendor CHANGE PIN `80 5E` (health-card.md §6).
    var carriesSecret: Bool {
        switch ins {
        case 0x20, 0x24, 0x2C: true
        case 0x5E: cla == 0x80
        default: false
        }
    }
}
