/// CRC-32 (IEEE 802.3, reflected, as zlib), for image integrity only: not a security measure.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        (0..<8).reduce(UInt32(n)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        // Contiguous bytes (arrays, the usual case) take a loop over a pointer: called from another
        // module the generic `reduce` is not specialised and cost about 500 instructions a byte,
        // 7 % of issuing a signed PNG code (`Docs/benchmarks.md`).
        if let crc = bytes.withContiguousStorageIfAvailable(checksum(buffer:)) { return crc }
        return ~bytes.reduce(~UInt32(0)) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }

    private static func checksum(buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var crc = ~UInt32(0)
            for byte in buffer { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return ~crc
        }
    }

    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        Hex.encode(Int(checksum(bytes)), digits: 8)
    }
}
