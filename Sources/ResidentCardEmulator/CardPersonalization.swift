import HealthCardFoundation
import ResidentCard

/// Builds the image of a freshly personalised virtual card: every file of the layout present,
/// the issuer and holder data written, every other field never written, the DF03 index empty,
/// and the card keys diversified from the SAM master keys (`SecureChannelCryptography`).
///
/// This is what a card issuer's personalisation bureau does for a real card; here it serves
/// tests, `hcard card new` and the demo.
public struct CardPersonalization: Sendable {
    public var issuer: IssuerRecord
    public var holder: HolderRecord
    public var payment: PaymentRecord?
    /// 8 bytes; placed as the ATR's last historical bytes. Random when not given.
    public var cardFactor: [UInt8]?
    /// SAM master keys by `80 DE` P1 P2 (`"4731"`); defaults to the public test keys.
    public var masterKeys: [String: [UInt8]]
    /// Retry counter of each card key (the trace shows 15: `63CE` after the first failure).
    public var maxRetries = 15

    public init(issuer: IssuerRecord, holder: HolderRecord, payment: PaymentRecord? = nil, cardFactor: [UInt8]? = nil,
        masterKeys: [String: [UInt8]] = VirtualSAM.testMasterKeys)
    {
        self.issuer = issuer
        self.holder = holder
        self.payment = payment
        self.cardFactor = cardFactor
        self.masterKeys = masterKeys
    }

    /// The personalised image. The holder record is checked first (`RecordPlausibility`): a
    /// card is not issued with a name that is empty or dates that contradict the ID number.
    ///
    /// - Parameters:
    ///   - today: the date the holder's birth date and ID are checked against.
    ///   - holderSource: names the holder record in messages (its file, for a record read from one).
    public func makeImage(today: CalendarDate = .today(), holderSource: String = "holder record") throws -> CardImage {
        try RecordPlausibility.require(RecordPlausibility.problems(in: holder, today: today), in: holderSource)
        guard let cityCode = issuer.cityCode else {
            throw HealthCardError.invalidValue("issuer data needs the application city code (item 57): it seeds the regional key factor")
        }
        var rng = SystemRandomNumberGenerator()
        let factor = cardFactor ?? (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }
        guard factor.count == 8 else { throw HealthCardError.invalidValue("card factor must be 8 bytes, got \(factor.count)") }
        // Historical bytes: a 5-byte tag "HCK01" then the factor, so the factor is the last 8.
        let atr = AnswerToReset.make(historicalBytes: Array("HCK01".utf8) + factor)
        let factors = [factor, try regionalFactor(cityCode: cityCode)]

        var keys: [String: CardImage.KeyState] = [:]
        func master(_ name: String) throws -> [UInt8] {
            guard let key = masterKeys[name] else { throw HealthCardError.invalidValue("no SAM master key \(name)") }
            return key
        }
        for reference in KeyReference.all {
            let key = try SecureChannelCryptography.cardKey(
                master: master(reference.samKeyName), factors: Array(factors.prefix(reference.diversificationLevels)))
            keys[reference.name] = .init(key: BinaryBlob(key), retriesLeft: maxRetries, maxRetries: maxRetries)
            if let sm = reference.secureMessagingKey {
                let name = KeyReference.secureMessagingKeyName(p1: sm.p1, p2: sm.p2)
                let smKey = try SecureChannelCryptography.cardKey(
                    master: master(String(name.dropFirst(3))), factors: Array(factors.prefix(sm.p1 >> 4 == 4 ? 2 : 1)))
                keys[name] = .init(key: BinaryBlob(smKey), retriesLeft: maxRetries, maxRetries: maxRetries)
            }
        }

        var files: [CardImage.FileContents] = []
        for file in ResidentCardFileSystem.allFiles {
            let path = file.path
            switch file {
            case ResidentCardFileSystem.EF.issuer:
                files.append(.init(path: path, records: try CardRecordCodec.encodeTLVRecords(issuer).map(BinaryBlob.init)))
            case ResidentCardFileSystem.EF.holder:
                files.append(.init(path: path, records: try CardRecordCodec.encodeTLVRecords(holder).map(BinaryBlob.init)))
            case ResidentCardFileSystem.EF.payment:
                files.append(.init(path: path, records: try CardRecordCodec.encodeTLVRecords(payment ?? PaymentRecord()).map(BinaryBlob.init)))
            default:
                files.append(try Self.blank(file))
            }
        }
        return CardImage(atr: atr.bytes, keys: keys, files: files)
    }

    /// A never-written file: TLV records with empty values, other records and data all `FF`.
    static func blank(_ file: ElementaryFileSpec) throws -> CardImage.FileContents {
        switch file.structure {
        case .tlvRecords:
            let records = try file.fields.map { field in
                try TLVRecord(tag: field.item ?? 0, value: CardRecordCodec.encodeField(field, nil, file: file)).encode()
            }
            return .init(path: file.path, records: records.map(BinaryBlob.init))
        case .cyclic(let count, let length), .linearFixed(let count, let length):
            return .init(path: file.path, records: Array(repeating: BinaryBlob([UInt8](repeating: 0xFF, count: length)), count: count))
        case .transparent(let size):
            return .init(path: file.path, data: BinaryBlob([UInt8](repeating: 0xFF, count: size)))
        }
    }
}
