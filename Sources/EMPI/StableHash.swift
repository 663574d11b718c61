import HealthCardFoundation

/// A 64-bit FNV-1a hash with a SplitMix64 finaliser.
///
/// Why not `Hasher`: the standard library seeds it per process, so its values cannot be stored in an
/// index or compared across runs. Blocking keys, term-frequency keys and identifier values use this
/// hash instead, so an index (in memory or SQLite) can persist them and every run sees the same
/// values (../shared/specs/empi.md §5.5).
public struct StableHash: Sendable {
    public private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Starts from a tag, so keys of different kinds never collide by construction.
    public init(tag: UInt8) { combine(tag) }

    @inline(__always) public mutating func combine(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    @inline(__always) public mutating func combine(_ number: UInt64) {
        var value = number
        for _ in 0..<8 {
            combine(UInt8(truncatingIfNeeded: value))
            value >>= 8
        }
    }

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { combine(byte) }
        combine(0xFF as UInt8)  // 0xFF never occurs in UTF-8: a field separator
    }

    public mutating func combine(_ text: String) { combine(text.utf8) }

    /// The hash, avalanched so that nearby inputs spread over all 64 bits; never 0 (0 means "absent").
    public var value: UInt64 {
        let mixed = StableHash.mix(state)
        return mixed == 0 ? 1 : mixed
    }

    public static func of(_ text: String) -> UInt64 {
        var hash = StableHash()
        hash.combine(text)
        return hash.value
    }

    @inline(__always) static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
