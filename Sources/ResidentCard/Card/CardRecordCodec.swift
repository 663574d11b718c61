import Foundation
import HealthCardFoundation

/// Converts typed ``CardRecord``s to card bytes and back by walking the file's layout: the one
/// codec for every file of the card (health-card.md §3 encodings, §4 layouts).
///
/// The bridge between a typed record and the layout is the record's JSON tree: keys are field
/// keys, and dotted layout keys (`symptoms.2.name`, `contacts.1.phone`) address arrays. This keeps
/// the typed structs free of codec code and makes the JSON that people read and write exactly the
/// shape the card has.
public enum CardRecordCodec {
    // MARK: Typed records

    /// The TLV records (`tag ‖ len ‖ value`, one per field, record n = field n) of a TLV file.
    public static func encodeTLVRecords<R: CardRecord>(_ record: R) throws -> [[UInt8]] {
        let tree = try jsonTree(of: record)
        try checkArrayCounts(tree, file: R.file)
        return try R.file.fields.map { field in
            let value = try encodeField(field, lookup(field.key, in: tree), file: R.file)
            return try TLVRecord(tag: field.item ?? 0, value: value).encode()
        }
    }

    /// Decodes a TLV file from its records in record order. Missing trailing records read as never written.
    public static func decodeTLVRecords<R: CardRecord>(_ records: [[UInt8]], as type: R.Type = R.self) throws -> R {
        var tree: [String: Any] = [:]
        for (index, field) in R.file.fields.enumerated() where index < records.count {
            let where_ = "\(R.file.path) record \(index + 1) (\(field.key))"
            let tlv: TLVRecord
            do {
                tlv = try TLVRecord.parse(records[index], expectedTag: field.item, expectedLength: field.length)
            } catch let error as HealthCardError { throw error.located(where_) }
            if let value = try decodeField(field, tlv.value, file: R.file, location: where_) {
                assign(value, to: field.key, in: &tree)
            }
        }
        return try decodeTree(compactGroups(tree, file: R.file), as: R.self)
    }

    /// The bytes of a fixed-layout record: a whole transparent file, or one cyclic record.
    public static func encodeFixed<R: CardRecord>(_ record: R) throws -> [UInt8] {
        let tree = try jsonTree(of: record)
        try checkArrayCounts(tree, file: R.file)
        var bytes = [UInt8](repeating: 0xFF, count: fixedLength(of: R.file))
        for field in R.file.allFields {
            let value = try encodeField(field, lookup(field.key, in: tree), file: R.file)
            bytes.replaceSubrange(field.range, with: value)
        }
        return bytes
    }

    /// Decodes a fixed-layout record (a transparent file or one cyclic record).
    public static func decodeFixed<R: CardRecord>(_ bytes: some Collection<UInt8>, as type: R.Type = R.self) throws -> R {
        let bytes = Array(bytes)
        let length = fixedLength(of: R.file)
        guard bytes.count >= length else {
            throw HealthCardError.truncated("\(R.file.path): \(bytes.count) bytes, the layout needs \(length)")
        }
        var tree: [String: Any] = [:]
        for field in R.file.allFields {
            let location = "\(R.file.path) offset \(field.offset) (\(field.key))"
            if let value = try decodeField(field, bytes[field.range], file: R.file, location: location) {
                assign(value, to: field.key, in: &tree)
            }
        }
        return try decodeTree(compactGroups(tree, file: R.file), as: R.self)
    }

    /// Record (cyclic) or file (transparent) length of a fixed layout.
    public static func fixedLength(of file: ElementaryFileSpec) -> Int {
        switch file.structure {
        case .cyclic(_, let length), .linearFixed(_, let length): length
        case .transparent(let size): size
        case .tlvRecords: file.fields.map { $0.length + 2 }.reduce(0, +)
        }
    }

    /// The JSON a record of `file` may hold: its field keys, with groups and numbered fields as
    /// arrays of objects keyed by the fields of one entry. Values are `.any`: the codec checks them
    /// against their fields when it encodes.
    public static func jsonShape(of file: ElementaryFileSpec) -> JSONShape {
        var keys: [String: JSONShape] = [:]
        var entries: [String: [String: JSONShape]] = [:]
        for group in file.groups {
            for field in group.fields { entries[group.key, default: [:]][field.key] = .any }
        }
        for field in file.fields {
            let parts = field.key.split(separator: ".").map(String.init)
            if parts.count == 3, Int(parts[1]) != nil {
                entries[parts[0], default: [:]][parts[2]] = .any
            } else {
                keys[field.key] = .any
            }
        }
        for (key, fields) in entries { keys[key] = .array(.object(fields)) }
        return .object(keys)
    }

    /// Keys of the arrays of a file's records (groups and numbered fields).
    static func arrayKeys(of file: ElementaryFileSpec) -> Set<String> { Set(arrayCapacities(of: file).keys) }

    // MARK: One field

    /// A field's value (from a JSON tree) as its card bytes; `nil` gives the never-written form.
    package static func encodeField(_ field: FieldSpec, _ value: Any?, file: ElementaryFileSpec) throws -> [UInt8] {
        let value = value is NSNull ? nil : value
        do {
            switch field.format {
            case .text: return try FieldEncoding.encodeText(try string(value, field), length: field.length)
            case .digits: return try FieldEncoding.encodeDigits(try string(value, field), length: field.length)
            case .date:
                return FieldEncoding.encodeDate(try string(value, field).map { text in
                    guard let date = CalendarDate(lenient: text) else { throw HealthCardError.invalidValue("'\(text)' is not a date") }
                    return date
                })
            case .dateTime:
                return FieldEncoding.encodeDateTime(try string(value, field).map { text in
                    guard let time = CalendarDateTime(iso: text) else { throw HealthCardError.invalidValue("'\(text)' is not a date-time") }
                    return time
                })
            case .money:
                let amount = try string(value, field).map { text in
                    guard let money = Money(text) else { throw HealthCardError.invalidValue("'\(text)' is not an amount") }
                    return money
                }
                return try FieldEncoding.encodeMoney(amount, length: field.length)
            case .flag:
                guard value == nil || value is Bool || value is NSNumber else {
                    throw HealthCardError.invalidValue("expected true or false")
                }
                return FieldEncoding.encodeFlag((value as? NSNumber)?.boolValue)
            case .code:
                let code = try codeString(value, field)
                switch field.encoding {
                case .b:
                    guard let code else { return FieldEncoding.encodeByte(nil) }
                    guard let byte = UInt8(code) else { throw HealthCardError.invalidValue("code '\(code)' does not fit one byte") }
                    return FieldEncoding.encodeByte(byte)
                case .cn: return try FieldEncoding.encodeDigits(code, length: field.length)
                case .ans: return try FieldEncoding.encodeText(code, length: field.length)
                }
            case .blob:
                return try FieldEncoding.encodeBinary(try string(value, field).map(Hex.decode), length: field.length)
            }
        } catch let error as HealthCardError {
            throw error.located("\(file.path) field \(field.key) (\(field.chineseName))")
        }
    }

    /// A field's bytes as a JSON value, or `nil` when never written.
    package static func decodeField(_ field: FieldSpec, _ bytes: some Collection<UInt8>, file: ElementaryFileSpec, location: String) throws -> Any? {
        do {
            switch field.format {
            case .text: return try FieldEncoding.decodeText(bytes)
            case .digits: return try FieldEncoding.decodeDigits(bytes)
            case .date: return try FieldEncoding.decodeDate(bytes)?.description
            case .dateTime: return try FieldEncoding.decodeDateTime(bytes)?.description
            case .money: return try FieldEncoding.decodeMoney(bytes)?.description
            case .flag: return try FieldEncoding.decodeFlag(bytes)
            case .code:
                switch field.encoding {
                case .b: return try FieldEncoding.decodeByte(bytes).map { String($0) }
                case .cn: return try FieldEncoding.decodeDigits(bytes)
                case .ans: return try FieldEncoding.decodeText(bytes)
                }
            case .blob: return FieldEncoding.decodeBinary(bytes).map { Hex.encode($0) }
            }
        } catch let error as HealthCardError {
            throw error.located(location)
        }
    }

    // MARK: JSON tree plumbing

    static func jsonTree<R: Encodable>(of record: R) throws -> [String: Any] {
        let data = try JSONEncoder().encode(record)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func decodeTree<R: Decodable>(_ tree: [String: Any], as type: R.Type) throws -> R {
        var tree = tree
        if let file = (R.self as? any CardRecord.Type)?.file {
            for key in arrayKeys(of: file) where tree[key] == nil { tree[key] = [Any]() }
        }
        return try JSONDecoder().decode(R.self, from: JSONSerialization.data(withJSONObject: tree))
    }

    /// The value at a dotted key: `symptoms.2.name` is `tree["symptoms"][1]["name"]`.
    static func lookup(_ key: String, in tree: [String: Any]) -> Any? {
        let parts = key.split(separator: ".").map(String.init)
        guard parts.count == 3, let index = Int(parts[1]) else { return tree[key] }
        guard let array = tree[parts[0]] as? [Any], index - 1 < array.count,
            let element = array[index - 1] as? [String: Any]
        else { return nil }
        return element[parts[2]]
    }

    static func assign(_ value: Any, to key: String, in tree: inout [String: Any]) {
        let parts = key.split(separator: ".").map(String.init)
        guard parts.count == 3, let index = Int(parts[1]) else {
            tree[key] = value
            return
        }
        var array = tree[parts[0]] as? [[String: Any]] ?? []
        while array.count < index { array.append([:]) }
        array[index - 1][parts[2]] = value
        tree[parts[0]] = array
    }

    /// Drops trailing empty group entries: five symptom slots with one filled read as one symptom.
    static func compactGroups(_ tree: [String: Any], file: ElementaryFileSpec) -> [String: Any] {
        var tree = tree
        for key in arrayKeys(of: file) {
            var array = tree[key] as? [[String: Any]] ?? []
            while let last = array.last, last.isEmpty { array.removeLast() }
            tree[key] = array
        }
        return tree
    }

    /// How many entries each array of a file's records may hold.
    static func arrayCapacities(of file: ElementaryFileSpec) -> [String: Int] {
        var capacities: [String: Int] = [:]
        for group in file.groups { capacities[group.key] = group.count }
        for field in file.fields {
            let parts = field.key.split(separator: ".")
            if parts.count == 3, let index = Int(parts[1]) { capacities[String(parts[0]), default: 0] = max(capacities[String(parts[0])] ?? 0, index) }
        }
        return capacities
    }

    static func checkArrayCounts(_ tree: [String: Any], file: ElementaryFileSpec) throws {
        for (key, capacity) in arrayCapacities(of: file) {
            let count = (tree[key] as? [Any])?.count ?? 0
            if count > capacity {
                throw HealthCardError.valueTooLong("\(file.name) record has \(count) \(key); the card holds \(capacity)")
            }
        }
    }

    private static func string(_ value: Any?, _ field: FieldSpec) throws -> String? {
        guard let value else { return nil }
        if let text = value as? String { return text.isEmpty ? nil : text }
        if let number = value as? NSNumber, field.format == .digits || field.format == .money { return number.stringValue }
        throw HealthCardError.invalidValue("expected a string, got \(value)")
    }

    private static func codeString(_ value: Any?, _ field: FieldSpec) throws -> String? {
        if let object = value as? [String: Any] { return try string(object["code"], field) }
        if let number = value as? NSNumber { return number.stringValue }
        return try string(value, field)
    }
}
