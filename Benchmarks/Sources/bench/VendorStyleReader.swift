import HealthCardCore

/// The access pattern of the vendor SDK in the public trace (health-card.md §10, issue 3 item 9),
/// replayed against the same virtual card so that APDU counts compare like for like: every data
/// item re-selects DDF1, the DF and the EF, re-authenticates after each DF change, and binary
/// files are read and written in 0x80-byte chunks.
struct VendorStyleReader {
    let card: any CardChannel
    let sam: any SecureAccessModule
    let atr: AnswerToReset
    let cityCode: String

    private func send(_ command: CommandAPDU) async throws -> ResponseAPDU {
        try await card.transmitChecked(command)
    }

    private func selectPath(_ file: ElementaryFileSpec) async throws {
        _ = try await send(HealthCardCommand.select(ResidentCardFileSystem.DF.ddf1))
        if file.parent != ResidentCardFileSystem.DF.ddf1 { _ = try await send(HealthCardCommand.select(file.parent)) }
    }

    private func authenticate(_ key: KeyReference) async throws {
        let factors = [try CardFactorSource.lastEightHistoricalBytes.factor(from: atr), try regionalFactor(cityCode: cityCode)]
        let challenge = try await send(HealthCardCommand.getChallenge()).data
        let d = SecureChannelCryptography.readKeyAuthenticationData
        try await sam.deriveSessionKey(p1: key.samP1, p2: key.samP2, factors: Array(factors.prefix(key.diversificationLevels)),
            challenge: challenge)
        let c = try await sam.encrypt(d + [UInt8](repeating: 0, count: 8))
        _ = try await send(try HealthCardCommand.externalAuthenticate(
            keyReference: key.cardReference, cryptogram: (0..<8).map { c[$0] ^ c[$0 + 8] }, terminalData: d))
    }

    /// Reads one item (record) the SDK way: path, authentication, EF, READ RECORD.
    private func readItem(_ file: ElementaryFileSpec, record: Int, length: Int) async throws -> [UInt8] {
        try await selectPath(file)
        if let key = file.readKey { try await authenticate(key) }
        _ = try await send(HealthCardCommand.select(file.fid))
        return try await send(try HealthCardCommand.readRecord(number: UInt8(record), ne: length)).data
    }

    /// The whole card, item by item. Returns the number of records and bytes read.
    func readCard() async throws -> Int {
        var bytes = 0
        for df in ResidentCardFileSystem.dedicatedFiles {
            for file in df.files {
                switch file.structure {
                case .tlvRecords:
                    for (index, field) in file.fields.enumerated() {
                        bytes += try await readItem(file, record: index + 1, length: field.length + 2).count
                    }
                case .cyclic(let count, let length), .linearFixed(let count, let length):
                    for record in 1...count { bytes += try await readItem(file, record: record, length: length).count }
                case .transparent(let size):
                    if ResidentCardFileSystem.EF.inpatient.contains(file) || ResidentCardFileSystem.EF.outpatient.contains(file) {
                        let kind: EncounterKind = ResidentCardFileSystem.EF.inpatient.contains(file) ? .inpatient : .outpatient
                        let slot = (kind.files.firstIndex(of: file) ?? 0) + 1
                        guard try await readItem(kind.indexFile, record: slot, length: 1).first == 0x00 else { continue }
                    }
                    try await selectPath(file)
                    try await authenticate(file.readKey!)
                    _ = try await send(HealthCardCommand.select(file.fid))
                    bytes += try await ChunkedTransfer.readBinary(from: card, length: size, maxChunk: 0x80).count
                }
            }
        }
        return bytes
    }
}
