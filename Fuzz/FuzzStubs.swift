// Stand-ins for the OpenSSL-backed pieces that the parser files mention but never call while
// parsing: SM3 (`KeyID(publicKeyPoint:)`), SHA-256 (declared beside SM3 in HashFunction.swift)
// and the SM2 public key type (`KeyID(publicKey:)`). They let the qr-payload and health-code
// targets of Scripts/fuzz.sh build without the C libraries. Reaching one is a bug in the fuzz
// target, so they trap. Targets that need real digests or keys link HealthCardCrypto instead.

extension SM3 {
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        fatalError("SM3 is not available in the fuzz build")
    }
}

extension SHA256 {
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        fatalError("SHA-256 is not available in the fuzz build")
    }
}

public struct SM2PublicKey: Sendable {
    public var x963Representation: [UInt8] {
        get throws { fatalError("SM2 is not available in the fuzz build") }
    }
}
