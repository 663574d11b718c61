import HealthCardFoundation

/// Byte-level access to the card's files for the vendor-DLL compatible C interface
/// (`libhcard.so`, vendor-interface.md §4-§5): the same selection, external authentication (§7.4)
/// and secure messaging (§7.5) as the typed API, but the caller names a file and gets or gives
/// its records or bytes, because the vendor functions move one data item at a time.
///
/// `package`: integrators use the typed records; only the C interface target needs bytes.
extension TerminalSession {
    /// The TLV records of a TLV file (record n = `file.fields[n-1]`), each `tag ‖ len ‖ value`.
    package func readItemRecords(of file: ElementaryFileSpec) async throws -> [[UInt8]] {
        guard file.structure == .tlvRecords else { throw HealthCardError.invalidValue("\(file) is not a TLV file") }
        return try await readTLVRecords(file)
    }

    /// Record `number` (1-based) of a cyclic or linear fixed file (allergies, immunisations, the DF03 index).
    package func readRecordBytes(of file: ElementaryFileSpec, number: Int) async throws -> [UInt8] {
        guard (1...file.recordCount).contains(number) else {
            throw HealthCardError.invalidValue("\(file) has records 1...\(file.recordCount), not \(number)")
        }
        try await prepareRead(file)
        let response = try await card.transmitChecked(
            try HealthCardCommand.readRecord(number: UInt8(number), ne: CardRecordCodec.fixedLength(of: file)),
            context: context(file))
        return response.data
    }

    /// Writes one TLV record (the item `file.fields[index]`) with secure messaging after the
    /// file's update key (§7.5), as each vendor write function does per item.
    package func writeItem(of file: ElementaryFileSpec, index: Int, value: [UInt8]) async throws {
        guard file.structure == .tlvRecords, file.fields.indices.contains(index) else {
            throw HealthCardError.invalidValue("\(file) has no item record \(index + 1)")
        }
        guard file.writeMode == .secureMessaging, let key = file.updateKey else {
            throw HealthCardError.invalidValue("\(file) is written at personalisation only (health-card.md §5)")
        }
        let field = file.fields[index]
        guard value.count == field.length else {
            throw HealthCardError.invalidValue("\(file) item \(field.item ?? 0) is \(field.length) bytes, not \(value.count)")
        }
        let tlv = try TLVRecord(tag: field.item ?? 0, value: value).encode()
        try await authenticate(key, in: file.parent, purpose: .update)
        try await select(file)
        try await writeSecure(record: UInt8(index + 1), tlv: tlv, file: file)
    }

    /// `length` bytes at `offset` of a transparent file (photo, EE/ED), in the configured chunks.
    package func readBinaryBytes(of file: ElementaryFileSpec, offset: Int, length: Int) async throws -> [UInt8] {
        try await prepareRead(file)
        return try await ChunkedTransfer.readBinary(
            from: card, offset: offset, length: length, maxChunk: configuration.readChunk, context: context(file))
    }

    /// Plain UPDATE BINARY of `data` at `offset` of a transparent file after its update key, in
    /// the configured chunks (the vendor's positional EE/ED and photo writes).
    package func updateBinaryBytes(of file: ElementaryFileSpec, offset: Int, data: [UInt8]) async throws {
        guard case .transparent = file.structure, let key = file.updateKey else {
            throw HealthCardError.invalidValue("\(file) is not a writable transparent file")
        }
        try await authenticate(key, in: file.parent, purpose: .update)
        try await select(file)
        try await ChunkedTransfer.updateBinary(
            on: card, offset: offset, data: data, maxChunk: configuration.writeChunk, context: context(file))
    }

    /// Appends one record to a cyclic file (allergies, immunisations) after UK_DF02_3.
    package func appendCyclicRecord(of file: ElementaryFileSpec, bytes: [UInt8]) async throws {
        guard case .cyclic(_, let length) = file.structure, bytes.count == length, let key = file.updateKey else {
            throw HealthCardError.invalidValue("\(file): a cyclic record of \(CardRecordCodec.fixedLength(of: file)) bytes")
        }
        try await authenticate(key, in: file.parent, purpose: .update)
        try await select(file)
        _ = try await card.transmitChecked(try HealthCardCommand.updateCyclicRecord(data: bytes), context: context(file))
    }

    /// Marks encounter slot `slot` valid (`84 D2`, UK_DF03_1): the commit point of a write.
    package func markValid(_ kind: EncounterKind, slot: Int) async throws {
        try await mark(kind, slot: slot, valid: true)
    }

    /// The SAM's signature over an encounter's data area followed by the SAM certificate: the
    /// 254 bytes that follow the data in EE/ED (health-card.md §7.6).
    package func encounterSignature(over data: [UInt8]) async throws -> [UInt8] {
        guard let sam else { throw SessionError.needsSAM("signing an encounter record needs a SAM") }
        try await unlockSAM()
        return try await sam.sign(data) + (try await samCertificateBytes())
    }

    /// Sends `command` as it is (the vendor's `SendAPDU`) and forgets the selection and
    /// authentication state, because the caller may have changed either.
    package func transmitRaw(_ command: CommandAPDU) async throws -> ResponseAPDU {
        currentDF = nil
        currentEF = nil
        authenticated = []
        return try await card.transmit(command)
    }
}
