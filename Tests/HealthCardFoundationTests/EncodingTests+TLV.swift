import Testing
@testable import HealthCardFoundation


// MARK: - TLV records

extension EncodingTests {
    @Suite("TLV records")
    struct TLVTests {
        @Test(
            "the spec's trace records",
            arguments: [
                ("01 01 31", 0x01, FieldEncoding.ans, "1"),
                ("02 04 30303032", 0x02, .ans, "0002"),
                ("06 04 20130401", 0x06, .cn, "20130401"),
                ("39 03 210000", 0x39, .cn, "210000"),
                ("15 01 1F", 0x15, .cn, "1"),
            ] as [(String, UInt8, FieldEncoding, String)])
        func traceRecords(hex: String, tag: UInt8, encoding: FieldEncoding, value: String) throws {
            let record = try TLVRecord.parse(bytes(hex), expectedTag: tag)
            #expect(record.tag == tag)
            #expect(try encoding.decodeString(record.value) == value)
            #expect(try record.encode() == bytes(hex))
        }

        @Test("encode then parse; the value is a slice of the input")
        func roundTrip() throws {
            let name = try FieldEncoding.encodeText("张三丰", length: 30)
            let record = TLVRecord(tag: 0x0B, value: name)
            let encoded = try record.encode()
            #expect(encoded.count == 32)
            #expect(Array(encoded.prefix(8)) == bytes("0B 1E D5C5C8FDB7E1"))
            let parsed = try TLVRecord.parse(encoded, expectedTag: 0x0B, expectedLength: 30)
            #expect(parsed == record)
            #expect(parsed.value.startIndex == 2)
            #expect(try FieldEncoding.decodeText(parsed.value) == "张三丰")
        }

        @Test("a truncated header")
        func truncatedHeader() {
            let reason = expectError(.truncated) { _ = try TLVRecord.parse([0x0B]) }
            #expect(reason == "TLV header needs 2 bytes, 1 present at offset 0")
            expectError(.truncated) { _ = try TLVRecord.parse([UInt8]()) }
        }

        @Test("a declared length longer than the bytes")
        func truncatedValue() {
            let input = [0x0B, 0x1E] + [UInt8](repeating: 0x41, count: 12)
            let reason = expectError(.truncated) { _ = try TLVRecord.parse(input) }
            #expect(reason == "TLV tag 0B declares 30 bytes, 12 present at offset 2")
        }

        @Test("the wrong tag or length")
        func wrongTag() {
            let reason = expectError(.malformed) { _ = try TLVRecord.parse(bytes("0D 01 01"), expectedTag: 0x0C) }
            #expect(reason == "expected tag 0C, found 0D")
            let length = expectError(.malformed) { _ = try TLVRecord.parse(bytes("0C 02 0100"), expectedLength: 1) }
            #expect(length.contains("declares 2 bytes"))
        }

        @Test("trailing FF/00 padding is accepted, other trailing bytes are not")
        func trailing() throws {
            #expect(try TLVRecord.parse(bytes("01 01 31 FF FF 00")).value == [0x31])
            let reason = expectError(.malformed) { _ = try TLVRecord.parse(bytes("01 01 31 FF 41")) }
            #expect(reason.contains("byte 41 follows at offset 4"), "\(reason)")
        }

        @Test("offsets are relative to the slice")
        func sliceOffsets() throws {
            let response = bytes("AA BB 02 04 30303032")
            let record = try TLVRecord.parse(response[2...])
            #expect(record.tag == 0x02 && record.value == [0x30, 0x30, 0x30, 0x32])
            let reason = expectError(.truncated) { _ = try TLVRecord.parse(response[2..<5]) }
            #expect(reason == "TLV tag 02 declares 4 bytes, 1 present at offset 2")
        }

        @Test("a value longer than 255 bytes cannot be encoded")
        func tooLong() {
            expectError(.valueTooLong) { _ = try TLVRecord(tag: 1, value: [UInt8](repeating: 0, count: 256)).encode() }
        }
    }
}

// MARK: - ByteReader and Hex

extension EncodingTests {
    @Suite("ByteReader and Hex")
    struct ByteReaderTests {
        @Test("reads move only on success")
        func reads() throws {
            var reader = ByteReader([0x0B, 0x80, 0x01, 0x02, 0x03])
            #expect(reader.readUInt8() == 0x0B)
            #expect(reader.offset == 1)
            #expect(reader.readUInt16() == 0x8001)
            #expect(reader.offset == 3)
            #expect(reader.read(3) == nil)
            #expect(reader.offset == 3)
            #expect(reader.read(2) == [0x02, 0x03])
            #expect(reader.isAtEnd)
            #expect(reader.readUInt8() == nil)
            #expect(reader.readUInt16() == nil)
        }

        @Test("readUInt16 needs two bytes")
        func shortUInt16() {
            var reader = ByteReader([0x12])
            #expect(reader.readUInt16() == nil)
            #expect(reader.offset == 0)
            #expect(reader.readUInt8() == 0x12)
        }

        @Test("offsets count from the start of a slice")
        func sliceOffsets() throws {
            let file = [UInt8](0...9)
            var reader = ByteReader(file[4...])
            #expect(reader.offset == 0)
            #expect(reader.readUInt16() == 0x0405)
            #expect(reader.offset == 2)
            let reason = expectError(.truncated) { _ = try reader.read(5, for: "photo") }
            #expect(reason == "photo needs 5 bytes, 4 present at offset 2")
            #expect(reader.readRemaining() == [6, 7, 8, 9])
            #expect(reader.isAtEnd && reader.offset == 6)
        }

        @Test("hex output is uppercase")
        func hexOutput() {
            #expect(Hex.encode([0x00, 0x0A, 0xBC, 0xFF]) == "000ABCFF")
            #expect(Hex.encode([0x01, 0x01, 0x31], separator: " ") == "01 01 31")
            #expect(Hex.encode([UInt8]()) == "")
        }

        @Test("hex input tolerates case and white space")
        func hexInput() throws {
            #expect(try Hex.decode("01 01 31") == [0x01, 0x01, 0x31])
            #expect(try Hex.decode("4c69\n616F\t4E") == [0x4C, 0x69, 0x61, 0x6F, 0x4E])
            #expect(try Hex.decode("") == [])
        }

        @Test("hex: the ASCII fast path and the character path agree (Unicode space, CRLF, slices)")
        func hexPaths() throws {
            #expect(try Hex.decode("E1D1\r\n0aac") == [0xE1, 0xD1, 0x0A, 0xAC])
            #expect(try Hex.decode("01\u{3000}02") == [0x01, 0x02])  // ideographic space: the character path
            #expect(try Hex.decode("xx0102".dropFirst(2)) == [0x01, 0x02])
            #expect(Hex.encode([0xAB, 0x01][...]) == "AB01")
            #expect(Hex.encode([0xAB, 0x01].lazy.map { $0 }) == "AB01")  // not contiguous: the general path
            var random = SystemRandomNumberGenerator()
            for _ in 0..<200 {
                let bytes = (0..<Int(random.next() % 40)).map { _ in UInt8.random(in: 0...255, using: &random) }
                #expect(try Hex.decode(Hex.encode(bytes)) == bytes)
                #expect(try Hex.decode(Hex.encode(bytes, separator: " ").lowercased()) == bytes)
            }
        }

        @Test("bad hex input")
        func hexErrors() {
            let reason = expectError(.invalidEncoding) { _ = try Hex.decode("01 0G") }
            #expect(reason == "'G' at position 5 is not a hex digit")
            expectError(.invalidEncoding) { _ = try Hex.decode("０１") }
            expectError(.malformed) { _ = try Hex.decode("010") }
        }
    }
}
