import HealthCardFoundation

/// A terminal's session with one resident health card and, optionally, a SAM: the API that
/// integrators call to read a card at registration and to write a visit.
///
/// It performs the security flow of health-card.md §7 exactly as the trace shows (external
/// authentication §7.4, secure-messaging writes §7.5), but with fewer APDUs than the vendor SDK
/// (§10 / issue "fewer APDUs"): each DF and EF is selected once per use, authentication state is
/// remembered per DF, and binary files are read with the largest chunk the card allows.
///
/// Encounter writes never leave a half-written card: the data, then the signature and
/// certificate, go into an empty slot, and the DF03 index is marked valid last, as the commit
/// point; the record is read back and compared. A card pulled out before the mark leaves the
/// slot empty and every earlier record intact.
///
/// Without a SAM only DDF1/EF05 (issuer data) can be read; everything else says why not.
public actor TerminalSession {
    /// Settings for facts the public sources leave open [U].
    public struct Configuration: Sendable {
        public var cardFactorSource: CardFactorSource = .lastEightHistoricalBytes
        /// Largest READ BINARY chunk (the vendor SDK uses 0x80; a short APDU allows 256).
        public var readChunk = 0x100
        /// Largest UPDATE BINARY chunk (Lc of a short APDU is at most 255).
        public var writeChunk = 0xFF
        /// The SAM PIN, verified when the session opens.
        public var samPIN: [UInt8]? = nil
        /// Today's date for the plausibility checks of records before they are written
        /// (``RecordPlausibility``): a visit dated after today is refused.
        public var clock: any WallClock = SystemClock()

        public init() {}
    }

    let card: any CardChannel
    let sam: (any SecureAccessModule)?
    public let atr: AnswerToReset
    public let configuration: Configuration

    var currentDF: FileIdentifier?
    var currentEF: ElementaryFileSpec?
    var authenticated: Set<String> = []
    private var cityCode: String?
    private var samCertificate: [UInt8]?
    private var samUnlocked = false

    /// - Parameters:
    ///   - card: the card's channel (wrap a T=0 card in ``T0Channel``).
    ///   - atr: the card's reset response: it carries the card diversification factor.
    ///   - configuration: the SAM PIN, the source of the card diversification factor and the chunk sizes.
    ///   - sam: the SAM, or `nil` for a SAM-less reader (issuer data only).
    public init(card: any CardChannel, atr: AnswerToReset, sam: (any SecureAccessModule)? = nil,
        configuration: Configuration = .init())
    {
        self.card = card
        self.atr = atr
        self.sam = sam
        self.configuration = configuration
    }

    // MARK: - Reading

    /// DDF1/EF05, free to read: the one file a SAM-less reader can see.
    public func readIssuer() async throws -> IssuerRecord {
        try await readTLV(IssuerRecord.self)
    }

    /// A TLV file (holder, payment, addresses, contacts, occupation, documents, clinical, special).
    public func read<R: CardRecord>(_ type: R.Type) async throws -> R {
        switch R.file.structure {
        case .tlvRecords: return try await readTLV(R.self)
        default: throw HealthCardError.invalidValue("\(R.file) is not a TLV file; use its own read method")
        }
    }

    /// The cyclic files, newest first, never-written records skipped.
    public func readAllergies() async throws -> [AllergyRecord] { try await readCyclic(AllergyRecord.self) }
    public func readImmunizations() async throws -> [ImmunizationRecord] { try await readCyclic(ImmunizationRecord.self) }

    /// The JPEG in DDF1/EF07, or `nil` when none was written.
    public func readPhoto() async throws -> [UInt8]? {
        let file = ResidentCardFileSystem.EF.photo
        try await prepareRead(file)
        let header = try await ChunkedTransfer.readBinary(from: card, length: 2, context: context(file))
        let length = Int(header[0]) << 8 | Int(header[1])
        guard length != 0xFFFF, length != 0 else { return nil }
        guard length + 2 <= 3074 else {
            throw HealthCardError.malformed("DDF1/EF07 photo declares \(length) bytes; the file holds at most 3072")
        }
        return try await ChunkedTransfer.readBinary(
            from: card, offset: 2, length: length, maxChunk: configuration.readChunk, context: context(file))
    }

    /// Which encounter slots hold a valid record (the DF03 index: `00` valid, `FF` empty).
    public func occupiedSlots(_ kind: EncounterKind) async throws -> [Bool] {
        let file = kind.indexFile
        try await prepareRead(file)
        var slots: [Bool] = []
        for number in 1...file.recordCount {
            let response = try await card.transmitChecked(
                try HealthCardCommand.readRecord(number: UInt8(number), ne: 1), context: context(file))
            slots.append(response.data.first == 0x00)
        }
        return slots
    }

    /// The outpatient record in slot `slot` (1...5), or `nil` when the slot is empty.
    public func readOutpatient(slot: Int) async throws -> CardContents.Slot<OutpatientRecord>? {
        try await readEncounter(OutpatientRecord.self, kind: .outpatient, slot: slot)
    }

    /// The inpatient record in slot `slot` (1...3), or `nil` when the slot is empty.
    public func readInpatient(slot: Int) async throws -> CardContents.Slot<InpatientRecord>? {
        try await readEncounter(InpatientRecord.self, kind: .inpatient, slot: slot)
    }

    /// The whole card. Without a SAM only the issuer data is read and ``CardContents/unavailable``
    /// says why the rest is missing.
    public func readCard() async throws -> CardContents {
        var contents = CardContents(issuer: try await readIssuer())
        contents.atr = Hex.encode(atr.bytes)
        guard sam != nil else {
            contents.unavailable.append(
                "every file but DDF1/EF05 needs external authentication with a key computed by a SAM;"
                    + " connect one (--sam-reader) or use a card image (--image), which brings the virtual SAM")
            return contents
        }
        contents.holder = try await read(HolderRecord.self)
        contents.photo = try await readPhoto().map(BinaryBlob.init)
        contents.payment = try await read(PaymentRecord.self)
        contents.addresses = try await read(AddressRecord.self)
        contents.contacts = try await read(ContactsRecord.self)
        contents.occupation = try await read(OccupationRecord.self)
        contents.documents = try await read(DocumentsRecord.self)
        contents.clinical = try await read(ClinicalRecord.self)
        contents.special = try await read(SpecialRecord.self)
        contents.allergies = try await readAllergies()
        contents.immunizations = try await readImmunizations()
        let inpatientIndex = try await occupiedSlots(.inpatient)
        contents.inpatientIndex = inpatientIndex
        contents.inpatient = try await readSlots(InpatientRecord.self, kind: .inpatient, index: inpatientIndex)
        let outpatientIndex = try await occupiedSlots(.outpatient)
        contents.outpatientIndex = outpatientIndex
        contents.outpatient = try await readSlots(OutpatientRecord.self, kind: .outpatient, index: outpatientIndex)
        return contents
    }

    // MARK: - Writing

    /// Replaces a TLV file with `record` (fields left `nil` are cleared), writing only the records
    /// that differ from the card, each with secure messaging (§7.5).
    public func write<R: CardRecord>(_ record: R) async throws {
        let file = R.file
        guard file.structure == .tlvRecords else { throw HealthCardError.invalidValue("\(file) is not a TLV file") }
        guard file.writeMode == .secureMessaging else {
            throw HealthCardError.invalidValue("\(file) is written at personalisation only (health-card.md §5)")
        }
        let wanted = try CardRecordCodec.encodeTLVRecords(record)
        let current = try await readTLVRecords(file)
        try await authenticate(file.updateKey!, in: file.parent, purpose: .update)
        try await select(file)
        for (index, bytes) in wanted.enumerated() where index >= current.count || current[index] != bytes {
            try await writeSecure(record: UInt8(index + 1), tlv: bytes, file: file)
        }
    }

    /// Adds an allergy as the newest record of DF02/EF07 (the oldest is overwritten when full).
    public func addAllergy(_ allergy: AllergyRecord) async throws { try await appendCyclic(allergy) }

    /// Adds an immunization as the newest record of DF02/EF08.
    public func addImmunization(_ immunization: ImmunizationRecord) async throws { try await appendCyclic(immunization) }

    /// Writes a visit into the lowest empty outpatient slot and returns the slot (1...5).
    @discardableResult
    public func writeOutpatient(_ record: OutpatientRecord) async throws -> Int {
        try RecordPlausibility.require(
            RecordPlausibility.problems(in: record, today: .today(clock: configuration.clock)), in: "outpatient record")
        return try await writeEncounter(record, kind: .outpatient)
    }

    /// Writes a stay into the lowest empty inpatient slot and returns the slot (1...3).
    @discardableResult
    public func writeInpatient(_ record: InpatientRecord) async throws -> Int {
        try RecordPlausibility.require(
            RecordPlausibility.problems(in: record, today: .today(clock: configuration.clock)), in: "inpatient record")
        return try await writeEncounter(record, kind: .inpatient)
    }

    /// Marks an encounter slot empty (`84 0C`, UK_DF03_2). The bytes stay until the slot is reused.
    public func erase(_ kind: EncounterKind, slot: Int) async throws {
        try await mark(kind, slot: slot, valid: false)
    }

    /// Marks an index slot valid (`84 D2` after UK_DF03_1) or empty (`84 0C` after UK_DF03_2).
    func mark(_ kind: EncounterKind, slot: Int, valid: Bool) async throws {
        let index = kind.indexFile
        guard (1...index.recordCount).contains(slot) else {
            throw HealthCardError.invalidValue("\(kind) slot \(slot) does not exist; slots are 1...\(index.recordCount)")
        }
        let key: KeyReference = valid ? .ukDF03_1 : .ukDF03_2
        try await authenticate(key, in: index.parent, purpose: .update)
        try await select(index)
        let command =
            valid
            ? try HealthCardCommand.markIndexRecordValid(number: UInt8(slot))
            : try HealthCardCommand.markIndexRecordEmpty(number: UInt8(slot))
        _ = try await card.transmitChecked(command, context: context(index, key: key))
    }

    /// Writes the photo (JPEG, at most 3072 bytes) to DDF1/EF07 after UK_DDF1.
    public func writePhoto(_ jpeg: [UInt8]) async throws {
        guard jpeg.count <= 3072 else { throw HealthCardError.valueTooLong("photo is \(jpeg.count) bytes; EF07 holds 3072") }
        if let problem = RecordPlausibility.photoProblem(jpeg) { throw HealthCardError.invalidValue(problem) }
        let file = ResidentCardFileSystem.EF.photo
        try await authenticate(file.updateKey!, in: file.parent, purpose: .update)
        try await select(file)
        try await ChunkedTransfer.updateBinary(
            on: card, offset: 0, data: [UInt8(jpeg.count >> 8), UInt8(jpeg.count & 0xFF)] + jpeg,
            maxChunk: configuration.writeChunk, context: context(file))
    }

    // MARK: - Encounter internals

    private func writeEncounter<R: CardRecord>(_ record: R, kind: EncounterKind) async throws -> Int {
        guard let sam else { throw SessionError.needsSAM("writing a \(kind) record needs a SAM to authenticate and sign") }
        let data = try CardRecordCodec.encodeFixed(record)
        let dataLength = kind.dataLength
        let occupied = try await occupiedSlots(kind)
        guard let free = occupied.firstIndex(of: false) else {
            let names = kind.files.map(\.fid.description).joined(separator: ", ")
            throw SessionError.cardFull(
                "\(kind) slots \(names) are all occupied: erase one first (hcard erase \(kind) N)")
        }
        let slot = free + 1
        let file = kind.files[free]
        try await authenticate(.ukDF03_1, in: file.parent, purpose: .update)

        // 1. Data area, 2. signature and certificate: all invisible until the index says valid.
        let body = Array(data.prefix(dataLength))
        try await unlockSAM()
        let signature = try await sam.sign(body)
        let certificate = try await samCertificateBytes()
        let written = body + signature + certificate
        try await select(file)
        do {
            try await ChunkedTransfer.updateBinary(
                on: card, offset: 0, data: written, maxChunk: configuration.writeChunk, context: context(file))
        } catch {
            throw SessionError.interrupted("writing \(file.path) (slot \(slot)) failed before the commit: the slot stays empty"
                + " and every other record is intact. Cause: \(error)")
        }
        // 3. Commit point.
        try await select(kind.indexFile)
        do {
            _ = try await card.transmitChecked(
                try HealthCardCommand.markIndexRecordValid(number: UInt8(slot)), context: context(kind.indexFile, key: .ukDF03_1))
        } catch {
            throw SessionError.interrupted("marking slot \(slot) valid in \(kind.indexFile.path) failed: the \(kind) record"
                + " was not committed. Cause: \(error)")
        }
        // 4. Read back.
        try await select(file)
        let readBack = try await ChunkedTransfer.readBinary(
            from: card, length: written.count, maxChunk: configuration.readChunk, context: context(file))
        guard readBack == written else {
            throw SessionError.verificationFailed("\(file.path) reads back different bytes from those written (slot \(slot))")
        }
        return slot
    }

    private func readEncounter<R: CardRecord>(_ type: R.Type, kind: EncounterKind, slot: Int) async throws -> CardContents.Slot<R>? {
        guard (1...kind.files.count).contains(slot) else {
            throw HealthCardError.invalidValue("\(kind) slot \(slot) does not exist; slots are 1...\(kind.files.count)")
        }
        guard try await occupiedSlots(kind)[slot - 1] else { return nil }
        return try await readSlot(R.self, kind: kind, slot: slot)
    }

    private func readSlots<R: CardRecord>(_ type: R.Type, kind: EncounterKind, index: [Bool]) async throws
        -> [CardContents.Slot<R>]
    {
        var result: [CardContents.Slot<R>] = []
        for (index, occupied) in index.enumerated() where occupied {
            result.append(try await readSlot(R.self, kind: kind, slot: index + 1))
        }
        return result
    }

    private func readSlot<R: CardRecord>(_ type: R.Type, kind: EncounterKind, slot: Int) async throws -> CardContents.Slot<R> {
        let file = kind.files[slot - 1]
        try await prepareRead(file)
        let bytes = try await ChunkedTransfer.readBinary(
            from: card, length: CardRecordCodec.fixedLength(of: file), maxChunk: configuration.readChunk, context: context(file))
        let record: R
        do { record = try CardRecordCodec.decodeFixed(bytes, as: R.self) } catch let error as HealthCardError {
            throw error.located("slot \(slot)")
        }
        return CardContents.Slot(slot: slot, record: record, signatureValid: EncounterSignature.verify(bytes, dataLength: kind.dataLength))
    }

    // MARK: - TLV and cyclic internals

    private func readTLV<R: CardRecord>(_ type: R.Type) async throws -> R {
        try CardRecordCodec.decodeTLVRecords(try await readTLVRecords(R.file), as: R.self)
    }

    func readTLVRecords(_ file: ElementaryFileSpec) async throws -> [[UInt8]] {
        try await prepareRead(file)
        var records: [[UInt8]] = []
        // Without a SAM, DDF1/EF05 is read by record identifier (`00 B2 tag 00`), as the vendor
        // SDK reads it (vendor-interface.md §4, health-card.md §8): the form a SAM-less reader uses.
        let byTag = sam == nil && file == ResidentCardFileSystem.EF.issuer
        for (index, field) in file.fields.enumerated() {
            let command =
                if byTag, let tag = field.item {
                    try HealthCardCommand.readRecord(identifier: tag, ne: field.length + 2)
                } else {
                    try HealthCardCommand.readRecord(number: UInt8(index + 1), ne: field.length + 2)
                }
            let response = try await card.transmitChecked(command, context: context(file))
            records.append(response.data)
        }
        if file == ResidentCardFileSystem.EF.issuer, let record = records.last, record.first == 0x39 {
            cityCode = try FieldEncoding.decodeDigits(record.dropFirst(2))
        }
        return records
    }

    private func readCyclic<R: CardRecord>(_ type: R.Type) async throws -> [R] {
        let file = R.file
        try await prepareRead(file)
        var result: [R] = []
        for number in 1...file.recordCount {
            let response = try await card.transmitChecked(
                try HealthCardCommand.readRecord(number: UInt8(number), ne: CardRecordCodec.fixedLength(of: file)),
                context: context(file))
            if response.data.allSatisfy({ $0 == 0xFF }) { continue }
            do { result.append(try CardRecordCodec.decodeFixed(response.data, as: R.self)) } catch let error as HealthCardError {
                throw error.located("record \(number)")
            }
        }
        return result
    }

    private func appendCyclic<R: CardRecord>(_ record: R) async throws {
        let file = R.file
        let bytes = try CardRecordCodec.encodeFixed(record)
        try await authenticate(file.updateKey!, in: file.parent, purpose: .update)
        try await select(file)
        _ = try await card.transmitChecked(try HealthCardCommand.updateCyclicRecord(data: bytes), context: context(file))
    }

    /// Secure-messaging UPDATE RECORD (§7.5 steps 1-5).
    func writeSecure(record number: UInt8, tlv: [UInt8], file: ElementaryFileSpec) async throws {
        guard let sam, let sm = file.updateKey?.secureMessagingKey else { throw SessionError.needsSAM("\(file) needs a SAM") }
        try await unlockSAM()
        let challenge = try await getChallenge()
        let factors = try await diversificationFactors(levels: sm.p1 >> 4 == 4 ? 2 : 1)
        try await sam.deriveSessionKey(p1: sm.p1, p2: sm.p2, factors: factors, challenge: challenge)
        let ciphertext = try await sam.encrypt(SecureChannelCryptography.secureMessagingPlaintext(tlv))
        try await sam.deriveSessionKey(p1: sm.p1, p2: sm.p2, factors: factors, challenge: challenge)
        let header: [UInt8] = [0x04, 0xDC, number, 0x04, UInt8(ciphertext.count + 4)]
        let mac = try await sam.mac(header + ciphertext)
        _ = try await card.transmitChecked(
            try HealthCardCommand.updateRecordSecureMessaging(number: number, ciphertext: ciphertext, mac: mac),
            context: context(file, key: file.updateKey))
    }

    // MARK: - Selection and authentication

    enum Purpose { case read, update }

    /// Selects the DF of `file` (through DDF1, as every card accepts) and authenticates its read key.
    func prepareRead(_ file: ElementaryFileSpec) async throws {
        if let key = file.readKey {
            guard sam != nil else {
                throw SessionError.needsSAM("\(file.path) \(file.name) needs \(key.name), which only a SAM can compute")
            }
            try await authenticate(key, in: file.parent, purpose: .read)
        }
        try await select(file)
    }

    func select(_ file: ElementaryFileSpec) async throws {
        try await selectDF(file.parent)
        guard currentEF != file else { return }
        _ = try await card.transmitChecked(HealthCardCommand.select(file.fid), context: context(file))
        currentEF = file
    }

    func selectDF(_ df: FileIdentifier) async throws {
        guard currentDF != df else { return }
        let ddf1 = ResidentCardFileSystem.DF.ddf1
        if df != ddf1, currentDF != ddf1 {
            try await selectDF(ddf1)
        }
        _ = try await card.transmitChecked(HealthCardCommand.select(df), context: CardCommandContext(file: df))
        currentDF = df
        currentEF = nil
        authenticated = []
    }

    /// External authentication (§7.4) with `key`, once per DF visit.
    func authenticate(_ key: KeyReference, in df: FileIdentifier, purpose: Purpose) async throws {
        try await selectDF(df)
        guard !authenticated.contains(key.name) else { return }
        guard let sam else { throw SessionError.needsSAM("\(df) needs \(key.name), which only a SAM can compute") }
        try await unlockSAM()
        let factors = try await diversificationFactors(levels: key.diversificationLevels)
        let d: [UInt8]
        let challenge: [UInt8]
        switch purpose {
        case .read:
            d = SecureChannelCryptography.readKeyAuthenticationData
            challenge = try await getChallenge()
        case .update:
            d = try await getChallenge()
            challenge = try await getChallenge()
        }
        try await sam.deriveSessionKey(p1: key.samP1, p2: key.samP2, factors: factors, challenge: challenge)
        let c = try await sam.encrypt(d + [UInt8](repeating: 0, count: 8))
        let a = (0..<8).map { c[$0] ^ c[$0 + 8] }
        _ = try await card.transmitChecked(
            try HealthCardCommand.externalAuthenticate(keyReference: key.cardReference, cryptogram: a, terminalData: d),
            context: CardCommandContext(file: df, key: key.name))
        authenticated.insert(key.name)
    }

    private func getChallenge() async throws -> [UInt8] {
        let response = try await card.transmitChecked(HealthCardCommand.getChallenge())
        guard response.data.count == 8 else {
            throw HealthCardError.malformed("GET CHALLENGE returned \(response.data.count) bytes, expected 8")
        }
        return response.data
    }

    /// Card factor from the ATR; regional factor from the application city code in DDF1/EF05.
    private func diversificationFactors(levels: Int) async throws -> [[UInt8]] {
        let cardFactor = try configuration.cardFactorSource.factor(from: atr)
        guard levels == 2 else { return [cardFactor] }
        if cityCode == nil {
            let df = currentDF
            let issuer = try await readIssuer()
            guard issuer.cityCode != nil else {
                throw HealthCardError.malformed("DDF1/EF05 has no application city code (item 57): the regional key factor is unknown")
            }
            if let df, df != ResidentCardFileSystem.DF.ddf1 { try await selectDF(df) }
        }
        return [cardFactor, try regionalFactor(cityCode: cityCode!)]
    }

    func unlockSAM() async throws {
        guard !samUnlocked, let sam else { return }
        if let pin = configuration.samPIN { try await sam.verifyPIN(pin) }
        samUnlocked = true
    }

    func samCertificateBytes() async throws -> [UInt8] {
        if let samCertificate { return samCertificate }
        guard let sam else { throw SessionError.needsSAM("no SAM") }
        let certificate = try await sam.certificate()
        samCertificate = certificate
        return certificate
    }

    func context(_ file: ElementaryFileSpec, key: KeyReference? = nil) -> CardCommandContext {
        CardCommandContext(file: file.fid, key: key?.name ?? file.readKey?.name)
    }
}

/// The two kinds of encounter record in DF03.
public enum EncounterKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case inpatient, outpatient

    public var indexFile: ElementaryFileSpec {
        self == .inpatient ? ResidentCardFileSystem.EF.inpatientIndex : ResidentCardFileSystem.EF.outpatientIndex
    }
    public var files: [ElementaryFileSpec] {
        self == .inpatient ? ResidentCardFileSystem.EF.inpatient : ResidentCardFileSystem.EF.outpatient
    }
    /// Bytes before the signature: 1639 (inpatient), 3013 (outpatient).
    public var dataLength: Int { self == .inpatient ? 1639 : 3013 }
    public var description: String { rawValue }
}

/// Session-level failures, with the message a field engineer acts on.
public enum SessionError: Error, Hashable, Sendable, CustomStringConvertible {
    case needsSAM(String)
    case cardFull(String)
    case interrupted(String)
    case verificationFailed(String)

    public var description: String {
        switch self {
        case .needsSAM(let message): "needs a SAM: \(message)"
        case .cardFull(let message): "card full: \(message)"
        case .interrupted(let message): "interrupted: \(message)"
        case .verificationFailed(let message): "verification failed: \(message)"
        }
    }
}
