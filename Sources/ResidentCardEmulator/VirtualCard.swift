import HealthCardCrypto
import HealthCardFoundation
import ResidentCard

/// A resident health card in software: the file tree of `ResidentCardFileSystem` and the command
/// set of health-card.md §6, with the access conditions of §7.2, per-DF authentication state,
/// retry counters and secure messaging (§7.4-§7.5, SM4 standing in for SM1).
///
/// It speaks raw APDU bytes, so the same card runs in-process (`VirtualCardChannel`) and behind
/// a real PC/SC stack (`hcard emulate` on vpcd). Every change lands in ``image`` at once, and
/// `onChange` lets the host persist it after every modifying command, so a card "pulled out"
/// mid-write keeps exactly the bytes it had acknowledged.
public struct VirtualCard: Sendable {
    public private(set) var image: CardImage
    /// T=0 behaviour: data comes back through `61xx` + GET RESPONSE, and a wrong Le gets `6Cxx`.
    public var usesT0: Bool

    private var currentDF: FileIdentifier = ResidentCardFileSystem.DF.masterFile
    private var currentEF: ElementaryFileSpec?
    private var authenticated: Set<String> = []
    private var challenge: [UInt8]?
    private var pendingResponse: [UInt8]?
    private var random = SystemRandomNumberGenerator()

    public init(image: CardImage, usesT0: Bool = false) {
        self.image = image
        self.usesT0 = usesT0
    }

    public var answerToReset: [UInt8] { image.atr.bytes }

    /// Power-on or reset: the MF is current, nothing is authenticated.
    public mutating func reset() {
        currentDF = ResidentCardFileSystem.DF.masterFile
        currentEF = nil
        authenticated = []
        challenge = nil
        pendingResponse = nil
    }

    /// Processes one command APDU; returns the response bytes (data ‖ SW1 SW2) and whether the
    /// card's persistent state changed.
    public mutating func process(_ bytes: [UInt8]) -> (response: [UInt8], changed: Bool) {
        let modifies = bytes.count > 1 && [0xD6, 0xDC, 0xD2, 0x0C, 0x82].contains(bytes[1])
        let before = modifies ? image : nil
        let response = handle(bytes)
        return (response.bytes, modifies && image != before)
    }

    private mutating func handle(_ bytes: [UInt8]) -> ResponseAPDU {
        let command: CommandAPDU
        do { command = try CommandAPDU(bytes: bytes) } catch { return .status(.wrongLength) }
        if command.ins != 0xC0 { pendingResponse = nil }
        let result: ResponseAPDU
        switch (command.cla, command.ins) {
        case (0x00, 0xA4): result = select(command)
        case (0x00, 0xB0): result = readBinary(command)
        case (0x00, 0xB2): result = readRecord(command)
        case (0x00, 0xD6): result = updateBinary(command)
        case (0x00, 0xDC): result = updateRecordPlain(command)
        case (0x04, 0xDC): result = updateRecordSecure(command)
        case (0x84, 0xD2), (0x84, 0x0C): result = markIndex(command)
        case (0x00, 0x84): result = getChallenge(command)
        case (0x00, 0x82): result = externalAuthenticate(command)
        case (0x00, 0xC0): return getResponse(command)
        case (_, 0xA4), (_, 0xB0), (_, 0xB2), (_, 0xD6), (_, 0xDC), (_, 0x84), (_, 0x82): result = .status(.claNotSupported)
        default: result = .status(.insNotSupported)
        }
        guard usesT0, !result.data.isEmpty, result.statusWord == .success else { return result }
        pendingResponse = result.data
        return .status(StatusWord(rawValue: 0x6100 | UInt16(min(result.data.count, 256) & 0xFF)))
    }

    // MARK: Selection

    private mutating func select(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0x00, command.p2 == 0x00 else { return .status(.incorrectP1P2) }
        guard command.data.count == 2 else { return .status(.wrongLength) }
        let fid = FileIdentifier(rawValue: UInt16(command.data[0]) << 8 | UInt16(command.data[1]))
        if fid == ResidentCardFileSystem.DF.masterFile {
            enterDF(fid)
            // The MF FCI as the trace shows it: name (tag 84) and an empty proprietary template A5 00.
            return .init(data: Self.fci(ResidentCardFileSystem.DFName.masterFile, proprietary: true), statusWord: .success)
        }
        if fid == ResidentCardFileSystem.DF.ddf1 {
            enterDF(fid)
            return .init(data: [0x6F, 0x10, 0x84, 0x0C] + ResidentCardFileSystem.DFName.ddf1 + [0xA5, 0x00], statusWord: .success)
        }
        if let df = ResidentCardFileSystem.dedicatedFiles.first(where: { $0.fid == fid && fid != ResidentCardFileSystem.DF.ddf1 }) {
            guard currentDF != ResidentCardFileSystem.DF.masterFile else { return .status(.fileNotFound) }
            enterDF(fid)
            return .init(data: Self.fci(df.name), statusWord: .success)
        }
        // A file the image lacks does not exist on this card: nothing can be written into it.
        guard let file = ResidentCardFileSystem.file(fid, in: currentDF), image.contents(of: file) != nil else {
            return .status(.fileNotFound)
        }
        currentEF = file
        return .status(.success)
    }

    /// Authentication state is per DF (§7.2): entering another DF forgets it.
    private mutating func enterDF(_ fid: FileIdentifier) {
        if fid != currentDF { authenticated = [] }
        currentDF = fid
        currentEF = nil
    }

    private static func fci(_ name: [UInt8], proprietary: Bool = false) -> [UInt8] {
        let template: [UInt8] = proprietary ? [0xA5, 0x00] : []
        return [0x6F, UInt8(name.count + 2 + template.count), 0x84, UInt8(name.count)] + name + template
    }

    // MARK: Reading

    private func readAllowed(_ file: ElementaryFileSpec) -> ResponseAPDU? {
        guard let key = file.readKey, !authenticated.contains(key.name) else { return nil }
        return .status(.securityStatusNotSatisfied)
    }

    private func readBinary(_ command: CommandAPDU) -> ResponseAPDU {
        guard let file = currentEF else { return .status(.commandNotAllowed) }
        guard case .transparent = file.structure, let data = image.contents(of: file)?.data?.bytes else {
            return .status(.fileIncompatible)
        }
        if let denied = readAllowed(file) { return denied }
        let offset = Int(command.p1 & 0x7F) << 8 | Int(command.p2)
        guard offset < data.count else { return .status(.wrongOffset) }
        let wanted = command.ne ?? 256
        return .init(data: Array(data[offset..<min(data.count, offset + wanted)]), statusWord: .success)
    }

    private func readRecord(_ command: CommandAPDU) -> ResponseAPDU {
        guard let file = currentEF else { return .status(.commandNotAllowed) }
        guard let records = image.contents(of: file)?.records?.map(\.bytes) else { return .status(.fileIncompatible) }
        if let denied = readAllowed(file) { return denied }
        let record: [UInt8]
        switch command.p2 {
        case 0x04:
            guard command.p1 >= 1, Int(command.p1) <= records.count else { return .status(.recordNotFound) }
            record = records[Int(command.p1) - 1]
        case 0x00:
            guard case .tlvRecords = file.structure, let found = records.first(where: { $0.first == command.p1 }) else {
                return .status(.recordNotFound)
            }
            record = found
        default:
            return .status(.incorrectP1P2)
        }
        if usesT0, let ne = command.ne, ne != 256, ne != record.count {
            return .status(StatusWord(rawValue: 0x6C00 | UInt16(record.count & 0xFF)))
        }
        return .init(data: Array(record.prefix(command.ne ?? 256)), statusWord: .success)
    }

    // MARK: Writing

    private func updateAllowed(_ file: ElementaryFileSpec) -> ResponseAPDU? {
        guard file.writeMode != .personalisationOnly, let key = file.updateKey else { return .status(.commandNotAllowed) }
        return authenticated.contains(key.name) ? nil : .status(.securityStatusNotSatisfied)
    }

    private mutating func updateBinary(_ command: CommandAPDU) -> ResponseAPDU {
        guard let file = currentEF else { return .status(.commandNotAllowed) }
        guard case .transparent(let size) = file.structure else { return .status(.fileIncompatible) }
        if let denied = updateAllowed(file) { return denied }
        let offset = Int(command.p1 & 0x7F) << 8 | Int(command.p2)
        guard offset + command.data.count <= size else { return .status(.wrongOffset) }
        // A stored file shorter than the layout (an image not checked on load) is a memory fault, not a crash.
        guard let stored = image.contents(of: file)?.data?.bytes, stored.count == size else {
            return .status(.memoryFailure)
        }
        var data = stored
        data.replaceSubrange(offset..<(offset + command.data.count), with: command.data)
        image.update(file) { contents in contents.data = BinaryBlob(data) }
        return .status(.success)
    }

    /// Plain UPDATE RECORD: the cyclic files' "previous" mode (`00 DC 00 03`), newest first (§5).
    private mutating func updateRecordPlain(_ command: CommandAPDU) -> ResponseAPDU {
        guard let file = currentEF else { return .status(.commandNotAllowed) }
        guard case .cyclic(let count, let length) = file.structure else {
            // TLV files are written with secure messaging only.
            return file.structure == .tlvRecords ? .status(.securityStatusNotSatisfied) : .status(.fileIncompatible)
        }
        guard command.p1 == 0x00, command.p2 == 0x03 else { return .status(.incorrectP1P2) }
        if let denied = updateAllowed(file) { return denied }
        guard command.data.count == length else { return .status(.wrongLength) }
        image.update(file) { contents in
            let old = contents.records ?? []
            contents.records = Array(([BinaryBlob(command.data)] + old).prefix(count))
        }
        return .status(.success)
    }

    /// UPDATE RECORD with secure messaging (§7.5): `04 DC rec 04 Lc' | SM4(len ‖ TLV ‖ pad) ‖ MAC(4)`.
    private mutating func updateRecordSecure(_ command: CommandAPDU) -> ResponseAPDU {
        guard let file = currentEF, file.structure == .tlvRecords else { return .status(.fileIncompatible) }
        if let denied = updateAllowed(file) { return denied }
        guard command.p2 == 0x04, command.p1 >= 1, Int(command.p1) <= file.fields.count else { return .status(.recordNotFound) }
        guard let sm = file.updateKey?.secureMessagingKey,
            let key = image.keys[KeyReference.secureMessagingKeyName(p1: sm.p1, p2: sm.p2)]
        else { return .status(.conditionsNotSatisfied) }
        guard let challenge = challenge else { return .status(.conditionsNotSatisfied) }
        self.challenge = nil
        let body = command.data
        guard body.count >= 20, (body.count - 4) % 16 == 0 else { return .status(.wrongLength) }
        let ciphertext = Array(body.dropLast(4))
        do {
            let session = try SecureChannelCryptography.diversify(key.key.bytes, factor: challenge)
            let header: [UInt8] = [command.cla, command.ins, command.p1, command.p2, UInt8(body.count)]
            let mac = try SM4(key: session).pbocMAC(for: header + ciphertext)
            guard mac == Array(body.suffix(4)) else { return .status(.incorrectSecureMessaging) }
            let tlv = try SecureChannelCryptography.secureMessagingTLV(
                fromPlaintext: SM4(key: session).decryptECB(ciphertext))
            let field = file.fields[Int(command.p1) - 1]
            guard tlv.count == field.length + 2, tlv[0] == field.item, Int(tlv[1]) == field.length else {
                return .status(.wrongData)
            }
            guard let records = image.contents(of: file)?.records, Int(command.p1) <= records.count else {
                return .status(.recordNotFound)
            }
            image.update(file) { contents in contents.records?[Int(command.p1) - 1] = BinaryBlob(tlv) }
            return .status(.success)
        } catch {
            return .status(.incorrectSecureMessaging)
        }
    }

    /// The DF03 index: `84 D2 rec 04` marks a slot valid (UK_DF03_1), `84 0C rec 04` erases it (UK_DF03_2) [U].
    private mutating func markIndex(_ command: CommandAPDU) -> ResponseAPDU {
        guard let file = currentEF, file.writeMode == .indexMark else { return .status(.fileIncompatible) }
        let key: KeyReference = command.ins == 0xD2 ? .ukDF03_1 : .ukDF03_2
        guard authenticated.contains(key.name) else { return .status(.securityStatusNotSatisfied) }
        guard command.p2 == 0x04, command.p1 >= 1, Int(command.p1) <= file.recordCount,
            let records = image.contents(of: file)?.records, Int(command.p1) <= records.count
        else { return .status(.recordNotFound) }
        image.update(file) { contents in
            contents.records?[Int(command.p1) - 1] = BinaryBlob([command.ins == 0xD2 ? 0x00 : 0xFF])
        }
        return .status(.success)
    }

    // MARK: Security

    private mutating func getChallenge(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.p1 == 0, command.p2 == 0 else { return .status(.incorrectP1P2) }
        guard command.ne == 8 || command.ne == 4 else { return .status(.wrongLength) }
        let bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
        challenge = bytes
        return .init(data: Array(bytes.prefix(command.ne ?? 8)), statusWord: .success)
    }

    /// `00 82 00 ref 11 | A(8) ‖ D(8) ‖ 01` (§7.4): A must equal the cryptogram of D under the
    /// session key derived from this card's key `ref` and its last challenge.
    private mutating func externalAuthenticate(_ command: CommandAPDU) -> ResponseAPDU {
        guard command.data.count == 17 else { return .status(.wrongLength) }
        guard let reference = KeyReference.keys(in: currentDF).first(where: { $0.cardReference == command.p2 }),
            var key = image.keys[reference.name]
        else { return .status(.referencedDataNotFound) }
        guard key.retriesLeft > 0 else { return .status(.authenticationMethodBlocked) }
        guard let challenge else { return .status(.conditionsNotSatisfied) }
        self.challenge = nil
        let cryptogram = Array(command.data[0..<8])
        let d = Array(command.data[8..<16])
        let expected = try? SecureChannelCryptography.cryptogram(
            sessionKey: SecureChannelCryptography.diversify(key.key.bytes, factor: challenge), data: d)
        if expected == cryptogram {
            key.retriesLeft = key.maxRetries
            image.keys[reference.name] = key
            authenticated.insert(reference.name)
            return .status(.success)
        }
        key.retriesLeft -= 1
        image.keys[reference.name] = key
        authenticated.remove(reference.name)
        return key.retriesLeft == 0
            ? .status(.authenticationMethodBlocked)
            : .status(StatusWord(rawValue: 0x63C0 | UInt16(min(key.retriesLeft, 15))))
    }

    private mutating func getResponse(_ command: CommandAPDU) -> ResponseAPDU {
        guard let pending = pendingResponse else { return .status(.conditionsNotSatisfied) }
        let count = min(command.ne ?? 256, pending.count)
        let rest = Array(pending.dropFirst(count))
        pendingResponse = rest.isEmpty ? nil : rest
        let sw = rest.isEmpty ? StatusWord.success : StatusWord(rawValue: 0x6100 | UInt16(min(rest.count, 256) & 0xFF))
        return .init(data: Array(pending.prefix(count)), statusWord: sw)
    }
}

extension ResponseAPDU {
    static func status(_ statusWord: StatusWord) -> ResponseAPDU { ResponseAPDU(data: [], statusWord: statusWord) }
}
