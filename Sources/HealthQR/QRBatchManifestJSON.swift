import Foundation

extension QRBatch {
    /// A manifest entry already encoded as the JSON it takes inside `manifest.json`.
    ///
    /// Why: a batch rewrites its manifest at every checkpoint. Encoding every entry anew each time
    /// made the checkpoints quadratic in the batch size (100,000 codes, 20 checkpoints: a million
    /// entry encodings for 100,000 codes). Each entry is now encoded once, by the worker that issued
    /// it, and a checkpoint only joins the bytes (``QRBatch/manifestJSON(_:entries:)``).
    public struct EncodedManifestEntry: Sendable {
        /// The entry.
        public let entry: ManifestEntry
        /// Its pretty-printed JSON, indented for its place in the `codes` array, without a newline
        /// at the end.
        public let json: [UInt8]

        /// Encodes `entry` (it cannot fail: the entry holds strings and integers only).
        ///
        /// - Parameter entry: the manifest entry of one issued code.
        public init(_ entry: ManifestEntry) {
            self.entry = entry
            json = Self.plainJSON(entry) ?? Self.encoderJSON(entry)
        }

        /// The entry through `JSONEncoder`, re-indented: the reference, and the path for strings
        /// that need escaping.
        static func encoderJSON(_ entry: ManifestEntry) -> [UInt8] {
            // swift-foundation indents by two spaces a level; the entries sit two levels deep.
            let alone = (try? QRBatch.manifestEncoder.encode(entry)) ?? Data()
            var json: [UInt8] = Array("    ".utf8)
            json.reserveCapacity(alone.count + alone.count / 8)
            for byte in alone {
                json.append(byte)
                if byte == 0x0A { json.append(contentsOf: [0x20, 0x20, 0x20, 0x20]) }
            }
            return json
        }

        /// The same bytes as ``encoderJSON(_:)``, written directly (one buffer, no encoder, no
        /// `Data`): `JSONEncoder` took about as long per code as drawing the PNG. `nil` if a string
        /// holds a byte JSON escapes (`"`, `\`, control characters) or anything beyond ASCII; a
        /// batch's strings never do (card ids, hex, base45 text, file names from them).
        static func plainJSON(_ entry: ManifestEntry) -> [UInt8]? {
            var json: [UInt8] = []
            json.reserveCapacity(entry.text.utf8.count + 420)
            json.append(contentsOf: "    {".utf8)
            var first = true
            func key(_ name: StaticString) {
                json.append(contentsOf: first ? "\n      \"".utf8 : ",\n      \"".utf8)
                first = false
                json.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
                json.append(contentsOf: "\" : ".utf8)
            }
            func string(_ name: StaticString, _ value: String?) -> Bool {
                guard var value else { return true }
                key(name)
                json.append(0x22)
                let plain = value.withUTF8 { bytes in
                    for byte in bytes where byte < 0x20 || byte >= 0x7F || byte == 0x22 || byte == 0x5C { return false }
                    json.append(contentsOf: bytes)
                    return true
                }
                json.append(0x22)
                return plain
            }
            func number(_ name: StaticString, _ value: Int?) {
                guard let value else { return }
                key(name)
                json.append(contentsOf: String(value).utf8)
            }
            // The keys in JSONEncoder's sorted order.
            guard string("cardId", entry.cardId), string("expiresAt", entry.expiresAt), string("file", entry.file),
                string("issuedAt", entry.issuedAt), string("keyId", entry.keyId), string("kind", entry.kind)
            else { return nil }
            number("line", entry.line)
            number("modules", entry.modules)
            guard string("nonce", entry.nonce) else { return nil }
            number("qrVersion", entry.qrVersion)
            if let recovered = entry.recovered {
                key("recovered")
                json.append(contentsOf: recovered ? "true".utf8 : "false".utf8)
            }
            guard string("sm3", entry.sm3), string("text", entry.text) else { return nil }
            number("windowSeconds", entry.windowSeconds)
            json.append(contentsOf: "\n    }".utf8)
            return json
        }
    }

    /// The encoder of `manifest.json`: pretty-printed, keys sorted, `/` unescaped.
    static var manifestEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The bytes of `manifest.json` for `header` (its `codes` ignored) with `entries` as its codes
    /// in the order given, followed by a newline: byte for byte what `JSONEncoder` writes for the
    /// whole manifest, pretty-printed with sorted keys (a test holds it to that), at the cost of
    /// joining the entries' bytes.
    ///
    /// - Parameters:
    ///   - header: the manifest's fields other than its codes.
    ///   - entries: the codes, already encoded, in the order to write them.
    /// - Throws: only if the header cannot be encoded.
    public static func manifestJSON(_ header: Manifest, entries: [EncodedManifestEntry]) throws -> [UInt8] {
        var header = header
        header.codes = []
        let empty = try Array(manifestEncoder.encode(header))
        guard !entries.isEmpty else { return empty + [0x0A] }
        // "codes" sorts first, so the header reads `{\n  "codes" : [\n\n  ],\n  "errorCorrection" …`:
        // keep what follows the empty array and put the entries in front of it.
        let opening = Array("{\n  \"codes\" : [".utf8)
        guard empty.starts(with: opening), let close = firstRange(of: Array("],\n".utf8), in: empty, from: opening.count)
        else {
            // Another JSON layout than the one this was written for: encode the whole manifest.
            header.codes = entries.map(\.entry)
            return try Array(manifestEncoder.encode(header)) + [0x0A]
        }
        var output = opening + [0x0A]
        output.reserveCapacity(empty.count + entries.reduce(0) { $0 + $1.json.count + 2 })
        for (index, entry) in entries.enumerated() {
            if index > 0 { output.append(contentsOf: [0x2C, 0x0A]) }
            output.append(contentsOf: entry.json)
        }
        output.append(contentsOf: Array("\n  ".utf8))
        output.append(contentsOf: empty[close.lowerBound...])
        output.append(0x0A)
        return output
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        guard haystack.count >= needle.count else { return nil }
        for index in start...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index..<(index + needle.count)
        }
        return nil
    }
}
