import HealthCardFoundation

/// HMAC (RFC 2104) over SM3: keyed, one-way digests for identifiers that must not be reversible
/// (electronic card IDs, bank card tokens). SM3 has a 64-byte block, as SHA-256 does.
package enum HMACSM3 {
    package static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? SM3.hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = SM3.hash(block.map { $0 ^ 0x36 } + message)
        return SM3.hash(block.map { $0 ^ 0x5C } + inner)
    }
}
