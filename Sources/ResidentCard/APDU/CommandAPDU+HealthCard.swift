import HealthCardFoundation

/// The resident health card's command set as exact APDUs (health-card.md §6), one factory per
/// row of the spec's table, so no caller ever assembles header bytes by hand.
///
/// A caseless namespace rather than static members on ``CommandAPDU`` because `CommandAPDU` is
/// generic ISO 7816-4 and is also used for the SAM; the health card's conventions (`P2 = 04`
/// for records, FID-only SELECT, the vendor's `84 D2`/`84 0C` index commands) belong together and
/// apart from it.
///
/// Factories whose arguments cannot be out of range do not throw; the rest throw
/// `HealthCardError/Code/invalidValue` naming the bad argument.
///
/// Tags in the doc comments are the spec's: [T] trace-verified, [V] vendor-consistent,
/// [U] uncertain.
public enum HealthCardCommand {
    /// The highest offset READ BINARY / UPDATE BINARY can address in P1-P2: bit 8 of P1 must be 0
    /// (otherwise P1 is a short EF identifier), leaving 15 bits (ISO/IEC 7816-4:2005 §7.2.2).
    public static let maxBinaryOffset = 0x7FFF

    // MARK: Selection

    /// SELECT by file identifier: `00 A4 00 00 02 <FID>` [T], or `… 02 <FID> 00` with `fci: true`.
    ///
    /// P1 = `00` "select MF, DF or EF by FID", P2 = `00` "first record, return FCI"
    /// (ISO 7816-4 §7.1.1). The cards in the trace return the DF's FCI (`6F … 84 <DF name>`)
    /// even without Le over T=1; on T=0 the FCI comes as `61xx` and needs GET RESPONSE (see
    /// ``T0Channel``). Pass `fci: true` to send Le = `00` so a T=1 reader also asks for it.
    public static func select(_ file: FileIdentifier, fci: Bool = false) -> CommandAPDU {
        CommandAPDU(
            validatedCLA: 0x00, ins: 0xA4, p1: 0x00, p2: 0x00, data: file.bytes,
            ne: fci ? CommandAPDU.shortWildcard : nil)
    }

    // MARK: Transparent files (EF07 photo, EE01–EE03, ED01–ED05)

    /// READ BINARY `00 B0 <offset hi> <offset lo> <Le>` [T].
    ///
    /// - Parameters:
    ///   - offset: `0...0x7FFF` (15-bit offset in P1-P2, ISO 7816-4 §7.2.3).
    ///   - ne: bytes to read, `1...65536`; above 256 the command is extended (only if the reader
    ///     and card support it). The vendor SDK reads in `0x80` chunks; see ``ChunkedTransfer``.
    public static func readBinary(offset: Int, ne: Int) throws(HealthCardError) -> CommandAPDU {
        let (p1, p2) = try binaryOffset(offset, command: "READ BINARY")
        return try CommandAPDU(cla: 0x00, ins: 0xB0, p1: p1, p2: p2, ne: ne)
    }

    /// UPDATE BINARY `00 D6 <offset hi> <offset lo> <Lc> <data>` [T]
    /// (ED01 rewritten in the trace as 24 × `00D6` chunks of `0x80`, health-card.md §5).
    ///
    /// - Parameters:
    ///   - offset: `0...0x7FFF` (ISO 7816-4 §7.2.5).
    ///   - data: `1...65535` bytes; above 255 the command is extended.
    public static func updateBinary(offset: Int, data: [UInt8]) throws(HealthCardError) -> CommandAPDU {
        let (p1, p2) = try binaryOffset(offset, command: "UPDATE BINARY")
        try requireData(data, command: "UPDATE BINARY")
        return try CommandAPDU(cla: 0x00, ins: 0xD6, p1: p1, p2: p2, data: data)
    }

    // MARK: Record files (TLV EFs, cyclic EFs, DF03 index)

    /// READ RECORD by record number: `00 B2 <n> 04 <Le>` [T]. P2 = `04` "read record P1"
    /// (ISO 7816-4 §7.3.3). Used for the TLV, cyclic and index EFs (health-card.md §8).
    ///
    /// - Parameters:
    ///   - number: `1...254` (`00` is "current record", `FF` is reserved).
    ///   - ne: `256` (Le `00`, "the whole record") by default, or the exact record length.
    public static func readRecord(number: UInt8, ne: Int = 256) throws(HealthCardError) -> CommandAPDU {
        try requireRecordNumber(number, command: "READ RECORD")
        return try CommandAPDU(cla: 0x00, ins: 0xB2, p1: number, p2: 0x04, ne: try shortNe(ne, "READ RECORD"))
    }

    /// READ RECORD by record identifier: `00 B2 <tag> 00 <Le>` [T], e.g. `00B2390005` reads the
    /// DDF1/EF05 record whose TLV tag is `39`, `00B20500B6` the 180-byte issuer certificate.
    ///
    /// P2 = `00` "first occurrence of record identifier P1" (ISO 7816-4 §7.3.3). On this card the
    /// record identifier is the TLV tag, which is the data-item number (health-card.md §3, §8);
    /// this is how EF05 is read without a SAM.
    ///
    /// - Parameters:
    ///   - identifier: the TLV tag, `1...254`.
    ///   - ne: `2 + field length` (tag and length bytes included), or `256` for "whole record".
    public static func readRecord(identifier: UInt8, ne: Int = 256) throws(HealthCardError) -> CommandAPDU {
        try requireRecordNumber(identifier, command: "READ RECORD")
        return try CommandAPDU(cla: 0x00, ins: 0xB2, p1: identifier, p2: 0x00, ne: try shortNe(ne, "READ RECORD"))
    }

    /// UPDATE RECORD in plain: `00 DC <n> 04 <Lc> <record>` [V]. Overwrites record `n` of the
    /// current EF (ISO 7816-4 §7.3.5). The TLV EFs normally need the secure-messaging variant
    /// ``updateRecordSecureMessaging(number:ciphertext:mac:)``; the plain one exists in a vendor test
    /// build (health-card.md §5).
    public static func updateRecord(number: UInt8, data: [UInt8]) throws(HealthCardError) -> CommandAPDU {
        try requireRecordNumber(number, command: "UPDATE RECORD")
        try requireData(data, command: "UPDATE RECORD", max: 255)
        return CommandAPDU(validatedCLA: 0x00, ins: 0xDC, p1: number, p2: 0x04, data: data)
    }

    /// UPDATE RECORD on a cyclic EF: `00 DC 00 03 <Lc> <record>` [V] (DF02/EF07 allergies,
    /// DF02/EF08 immunisations, after UK_DF02_3).
    ///
    /// P1 = `00`, P2 = `03` "previous record" (ISO 7816-4 §7.3.5): on a cyclic file this writes
    /// over the oldest record, which then becomes record 1, the newest (health-card.md §5).
    /// The data must be exactly the record length (120 resp. 24 bytes); the card checks that.
    public static func updateCyclicRecord(data: [UInt8]) throws(HealthCardError) -> CommandAPDU {
        try requireData(data, command: "UPDATE RECORD", max: 255)
        return CommandAPDU(validatedCLA: 0x00, ins: 0xDC, p1: 0x00, p2: 0x03, data: data)
    }

    /// UPDATE RECORD with secure messaging: `04 DC <n> 04 <Lc> <ciphertext> <MAC>` [V]
    /// (health-card.md §7.5 step 5).
    ///
    /// CLA `04` is ISO 7816-4 §5.1.1 "proprietary secure messaging, header not authenticated". The
    /// SAM produces the SM1 ciphertext of `len ‖ TLV ‖ 80 00…` (padded to 16 bytes) and a 4-byte
    /// MAC over the header `04 DC P1 04 Lc`, so Lc = ciphertext + 4: `0x14` for a 1-byte item,
    /// `0xC4` for a 180-byte one.
    ///
    /// - Parameters:
    ///   - ciphertext: a non-empty multiple of 16 bytes (SM1 block size).
    ///   - number: the record number (P1).
    ///   - mac: exactly 4 bytes.
    public static func updateRecordSecureMessaging(
        number: UInt8, ciphertext: [UInt8], mac: [UInt8]
    ) throws(HealthCardError) -> CommandAPDU {
        try requireRecordNumber(number, command: "UPDATE RECORD")
        guard !ciphertext.isEmpty, ciphertext.count % 16 == 0 else {
            throw .invalidValue(
                "UPDATE RECORD (secure messaging): ciphertext must be a non-empty multiple of 16 bytes,"
                    + " got \(ciphertext.count)")
        }
        guard mac.count == 4 else {
            throw .invalidValue("UPDATE RECORD (secure messaging): MAC must be 4 bytes, got \(mac.count)")
        }
        try requireData(ciphertext + mac, command: "UPDATE RECORD (secure messaging)", max: 255)
        return CommandAPDU(validatedCLA: 0x04, ins: 0xDC, p1: number, p2: 0x04, data: ciphertext + mac)
    }

    /// DF03 index "mark valid" (slot occupied): `84 D2 <n> 04 00` [U] (health-card.md §5, §6).
    ///
    /// ISO WRITE RECORD (§7.3.4) with the vendor's proprietary CLA `84`. The spec's table gives
    /// "Lc/data 00 (no data)" and the vendor code sends exactly five bytes ending in `00`. ISO 7816-4
    /// has no short Lc of `00`: a 5-byte command is case 2S, so this is built as Ne = 256 (Le `00`),
    /// which encodes to exactly the vendor's bytes; over T=0 it is the same TPDU as a case-1
    /// command with P3 = `00`. CLA `84` suggests a MAC, but the shipped code sends none (§11.11).
    public static func markIndexRecordValid(number: UInt8) throws(HealthCardError) -> CommandAPDU {
        try requireRecordNumber(number, command: "WRITE RECORD")
        return CommandAPDU(validatedCLA: 0x84, ins: 0xD2, p1: number, p2: 0x04, ne: CommandAPDU.shortWildcard)
    }

    /// DF03 index "erase / mark empty": `84 0C <n> 04 00` [U] (health-card.md §5, §6).
    ///
    /// ISO ERASE RECORD (§7.3.8) with CLA `84`, encoded like ``markIndexRecordValid(number:)``
    /// (five bytes, the last `00`). Needs UK_DF03_2 (health-card.md §7.2).
    public static func markIndexRecordEmpty(number: UInt8) throws(HealthCardError) -> CommandAPDU {
        try requireRecordNumber(number, command: "ERASE RECORD")
        return CommandAPDU(validatedCLA: 0x84, ins: 0x0C, p1: number, p2: 0x04, ne: CommandAPDU.shortWildcard)
    }

    // MARK: Security

    /// GET CHALLENGE `00 84 00 00 08` [T]: an 8-byte random number for the next EXTERNAL
    /// AUTHENTICATE or secure-messaging write (health-card.md §7.4 step 1, ISO 7816-4 §7.5.3).
    public static func getChallenge() -> CommandAPDU {
        CommandAPDU(validatedCLA: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, ne: 8)
    }

    /// EXTERNAL AUTHENTICATE `00 82 00 <key> 11 | A(8) | D(8) | 01` [T] (health-card.md §7.4 step 5).
    ///
    /// P1 = `00` (algorithm known to the card), P2 = the card's key reference: `04` RK_DDF1,
    /// `05` UK_DDF1, `84` RK_DFxx, `85`/`86`/`87` UK keys (health-card.md §7.2).
    ///
    /// - Parameters:
    ///   - cryptogram: A, the 8-byte XOR-folded SAM output.
    ///   - terminalData: D, 8 bytes (the constant `1122334455667788` for RK keys, R1 for UK keys).
    ///   - keyReference: the card key to authenticate against (P2), as listed above.
    ///   - trailer: the final byte, `01` in every trace; its meaning is unknown [U] (§7.4, §11.11).
    public static func externalAuthenticate(
        keyReference: UInt8, cryptogram: [UInt8], terminalData: [UInt8], trailer: UInt8 = 0x01
    ) throws(HealthCardError) -> CommandAPDU {
        guard cryptogram.count == 8 else {
            throw .invalidValue("EXTERNAL AUTHENTICATE: cryptogram must be 8 bytes, got \(cryptogram.count)")
        }
        guard terminalData.count == 8 else {
            throw .invalidValue("EXTERNAL AUTHENTICATE: terminal data must be 8 bytes, got \(terminalData.count)")
        }
        return CommandAPDU(
            validatedCLA: 0x00, ins: 0x82, p1: 0x00, p2: keyReference, data: cryptogram + terminalData + [trailer])
    }

    /// VERIFY `00 20 00 00 <Lc> <PIN>` [T for the SAM] (health-card.md §7.1; ISO 7816-4 §7.5.6).
    ///
    /// Only the SAM has a PIN in this system; no user-card PIN was ever observed (§11.14).
    /// ``TracingChannel`` and ``CommandAPDU/description`` mask the PIN bytes.
    public static func verify(pin: [UInt8]) throws(HealthCardError) -> CommandAPDU {
        try requireData(pin, command: "VERIFY", max: 255)
        return CommandAPDU(validatedCLA: 0x00, ins: 0x20, p1: 0x00, p2: 0x00, data: pin)
    }

    /// The SAM vendor's CHANGE PIN `80 5E 01 00 <Lc> <old> FF <new>` [V] (health-card.md §6).
    public static func changePIN(old: [UInt8], new: [UInt8]) throws(HealthCardError) -> CommandAPDU {
        guard !old.isEmpty, !new.isEmpty else { throw .invalidValue("CHANGE PIN: old and new PIN must not be empty") }
        let data = old + [0xFF] + new
        try requireData(data, command: "CHANGE PIN", max: 255)
        return CommandAPDU(validatedCLA: 0x80, ins: 0x5E, p1: 0x01, p2: 0x00, data: data)
    }

    // MARK: Transmission

    /// GET RESPONSE `00 C0 00 00 <Le>` [T]: fetch the `xx` bytes announced by `61xx` on T=0
    /// (ISO 7816-4 §7.6.1). ``T0Channel`` sends it for you.
    ///
    /// - Parameter ne: `1...256` (256 is sent as Le `00`).
    public static func getResponse(ne: Int) throws(HealthCardError) -> CommandAPDU {
        CommandAPDU(validatedCLA: 0x00, ins: 0xC0, p1: 0x00, p2: 0x00, ne: try shortNe(ne, "GET RESPONSE"))
    }

    // MARK: Argument checks

    private static func binaryOffset(_ offset: Int, command: String) throws(HealthCardError) -> (UInt8, UInt8) {
        guard (0...maxBinaryOffset).contains(offset) else {
            throw .invalidValue("\(command): offset \(offset) is outside 0...0x7FFF (15 bits of P1-P2)")
        }
        return (UInt8(offset >> 8), UInt8(offset & 0xFF))
    }

    private static func requireRecordNumber(_ number: UInt8, command: String) throws(HealthCardError) {
        guard number != 0x00, number != 0xFF else {
            throw .invalidValue("\(command): record number/identifier must be 1...254, got \(number)")
        }
    }

    private static func requireData(
        _ data: [UInt8], command: String, max: Int = CommandAPDU.maxNc
    ) throws(HealthCardError) {
        guard !data.isEmpty, data.count <= max else {
            throw .invalidValue("\(command): data must be 1...\(max) bytes, got \(data.count)")
        }
    }

    private static func shortNe(_ ne: Int, _ command: String) throws(HealthCardError) -> Int {
        guard (1...CommandAPDU.shortWildcard).contains(ne) else {
            throw .invalidValue("\(command): Le must be 1...256, got \(ne)")
        }
        return ne
    }
}
