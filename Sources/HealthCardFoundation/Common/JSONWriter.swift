/// JSON written directly into bytes rather than through `JSONEncoder`: compact, keys in the order
/// the caller writes them (callers write them sorted), absent optionals omitted, strings escaped
/// per RFC 8259 §7 (``JSONStringLiteral``), numbers in Swift's shortest round-trip form. That is
/// what `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` writes for the same values.
///
/// Why: on hot paths `JSONEncoder` (keyed containers, a dictionary per object, key sorting) cost
/// more than the work whose result it wrote: the EMPI index's stored JSON during a bulk ingest
/// (Docs/empi.md, "Persistent ingest"), and the answer of a code verification request
/// (Docs/serve.md §9). Each type written here has a test that compares its bytes with
/// `JSONEncoder`'s or decodes them back, so a field added to a type and not written fails it.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Scalars

    package mutating func string(_ value: String) { JSONStringLiteral.append(value, to: &bytes) }

    /// A finite number (JSON has no NaN or infinity: those are an error, as with `JSONEncoder`).
    package mutating func number(_ value: Double) throws {
        guard value.isFinite else { throw HealthCardError.invalidValue("\(value) cannot be written as JSON") }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            raw(String(Int64(value)))
        } else {
            raw(value.description)
        }
    }

    /// A string, or `null` when absent.
    package mutating func optional(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    package mutating func integer(_ value: some BinaryInteger) { raw(String(value)) }

    package mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }

    package mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// JSON text written elsewhere (by `JSONEncoder` for a part not written here), as it is.
    package mutating func raw(_ json: some Sequence<UInt8>) { bytes.append(contentsOf: json) }

    // MARK: Containers

    /// An object; `body` writes its members with ``Members``, in sorted key order.
    package mutating func object(_ body: (inout Members) throws -> Void) rethrows {
        var members = Members(json: self)
        self = JSONWriter()
        members.json.bytes.append(UInt8(ascii: "{"))
        try body(&members)
        members.json.bytes.append(UInt8(ascii: "}"))
        self = members.json
    }

    package mutating func array<Element>(_ elements: [Element], _ write: (inout JSONWriter, Element) throws -> Void)
        rethrows
    {
        bytes.append(UInt8(ascii: "["))
        for (position, element) in elements.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            try write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A ``JSONValue``, objects with their keys sorted.
    package mutating func value(_ value: JSONValue) throws {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .number(let number): try self.number(number)
        case .string(let text): string(text)
        case .array(let elements): try array(elements) { try $0.value($1) }
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (position, key) in members.keys.sorted().enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                try self.value(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// The members of an object being written; the caller keeps the keys sorted.
    package struct Members {
        package var json: JSONWriter
        var count = 0

        package mutating func key(_ name: StaticString) {
            if count > 0 { json.bytes.append(UInt8(ascii: ",")) }
            count += 1
            json.bytes.append(UInt8(ascii: "\""))
            json.bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            json.bytes += [UInt8(ascii: "\""), UInt8(ascii: ":")]
        }

        package mutating func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            json.string(value)
        }

        package mutating func number(_ name: StaticString, _ value: Double?) throws {
            guard let value else { return }
            key(name)
            try json.number(value)
        }

        package mutating func integer(_ name: StaticString, _ value: Int64?) {
            guard let value else { return }
            key(name)
            json.integer(value)
        }

        package mutating func bool(_ name: StaticString, _ value: Bool) {
            key(name)
            json.bool(value)
        }

        package mutating func strings(_ name: StaticString, _ values: [String]) {
            key(name)
            json.array(values) { $0.string($1) }
        }

        package mutating func value(_ name: StaticString, _ write: (inout JSONWriter) throws -> Void) rethrows {
            key(name)
            try write(&json)
        }
    }
}
