import HealthCardCrypto
import HealthCardFoundation
import ResidentCard
import ResidentCardPCSC

// The SAM services of the vendor interface (vendor-interface.md §7, health-card.md §7.7).

/// Reads a SAM file and hands out hex (or the raw bytes for the certificates). Unlike the vendor
/// DLL, the SAM is not reset first, so a verified PIN stays verified. Every failure is 105.
private func readSAMFile(
    _ function: String, _ fid: UInt16, in df: UInt16?, length: Int, hex: Bool, _ output: UnsafeMutablePointer<CChar>?
) -> Int32 {
    VendorCall.run(function, fallback: VendorCode.sam, every: VendorCode.sam) { port in
        guard let output else { throw VendorFailure(VendorCode.parameter, "info is NULL") }
        let sam = try port.requireSAM()
        let bytes = try runBlocking {
            try await sam.module.readFile(FileIdentifier(fid), in: df.map { FileIdentifier(rawValue: $0) }, length: length)
        }
        if hex {
            VendorCoding.put(Array(Hex.encode(bytes).utf8), into: output)
        } else {
            output.withMemoryRebound(to: UInt8.self, capacity: bytes.count) { $0.update(from: bytes, count: bytes.count) }
        }
        return VendorCode.ok
    }
}

/// `int iReader_SAM_Public(int hDev, char *info)`: MF/0015, 28 hex digits (buffer 29).
@_cdecl("iReader_SAM_Public")
public func iReader_SAM_Public(_ hDev: Int32, _ info: COut) -> Int32 {
    readSAMFile("iReader_SAM_Public", 0x0015, in: nil, length: 14, hex: true, info)
}

/// `int iReader_SAM_Terminal(int hDev, char *info)`: MF/0016, the terminal number, 12 hex digits.
@_cdecl("iReader_SAM_Terminal")
public func iReader_SAM_Terminal(_ hDev: Int32, _ info: COut) -> Int32 {
    readSAMFile("iReader_SAM_Terminal", 0x0016, in: nil, length: 6, hex: true, info)
}

/// `int iReader_SAM_PublicApp(int hDev, char *info)`: DF01/001A, 50 hex digits.
@_cdecl("iReader_SAM_PublicApp")
public func iReader_SAM_PublicApp(_ hDev: Int32, _ info: COut) -> Int32 {
    readSAMFile("iReader_SAM_PublicApp", 0x001A, in: 0xDF01, length: 25, hex: true, info)
}

/// `int iReader_SAM_OrgCertificate(int hDev, char *info)`: DF01/001B, 180 raw bytes (not hex).
@_cdecl("iReader_SAM_OrgCertificate")
public func iReader_SAM_OrgCertificate(_ hDev: Int32, _ info: COut) -> Int32 {
    readSAMFile("iReader_SAM_OrgCertificate", 0x001B, in: 0xDF01, length: 180, hex: false, info)
}

/// `int iReader_SAM_Certificate(int hDev, char *info)`: DF01/001C, 190 raw bytes (not hex).
@_cdecl("iReader_SAM_Certificate")
public func iReader_SAM_Certificate(_ hDev: Int32, _ info: COut) -> Int32 {
    readSAMFile("iReader_SAM_Certificate", 0x001C, in: 0xDF01, length: 190, hex: false, info)
}

/// `DWORD SM3Digest(HANDLE, BYTE *pbData, unsigned int nDataLen, BYTE *pbHash, BYTE *pbHashLen)`:
/// the 32-byte SM3 hash (computed here, not by the SAM; the vendor DLL was a stub returning 0
/// with no hash). 101 when a pointer is NULL or `*pbHashLen` < 32; `*pbHashLen` becomes 32.
@_cdecl("SM3Digest")
public func SM3Digest(
    _ h: HANDLE, _ data: UnsafePointer<UInt8>?, _ length: UInt32, _ hash: UnsafeMutablePointer<UInt8>?,
    _ hashLength: UnsafeMutablePointer<UInt8>?
) -> UInt32 {
    UInt32(
        bitPattern: VendorCall.run("SM3Digest", fallback: VendorCode.parameter) { _ in
            guard let hash, let hashLength, data != nil || length == 0 else {
                throw VendorFailure(VendorCode.parameter, "pbData, pbHash and pbHashLen must not be NULL")
            }
            guard hashLength.pointee >= 32 else {
                throw VendorFailure(VendorCode.parameter, "*pbHashLen is \(hashLength.pointee); the hash is 32 bytes")
            }
            let digest = SM3.hash(data.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? [])
            hash.update(from: digest, count: digest.count)
            hashLength.pointee = 32
            return VendorCode.ok
        })
}

/// `DWORD SM2SignHash(HANDLE, BYTE *pbData, BYTE bLen, BYTE *pbSignedData, BYTE *pbLength)`:
/// the SAM's 64-byte SM2 signature r‖s (`80 F8`) over the `bLen` given bytes, after `iVerifyPIN`.
/// [U] Which bytes a real SAM signs (a hash or the data) is undocumented; the virtual SAM hashes
/// the bytes it is given with SM3 (default distinguishing ID). The vendor DLL was a stub.
@_cdecl("SM2SignHash")
public func SM2SignHash(
    _ h: HANDLE, _ data: UnsafePointer<UInt8>?, _ length: UInt8, _ signature: UnsafeMutablePointer<UInt8>?,
    _ signatureLength: UnsafeMutablePointer<UInt8>?
) -> UInt32 {
    UInt32(
        bitPattern: VendorCall.run("SM2SignHash", fallback: VendorCode.sam) { port in
            guard let data, let signature, let signatureLength else {
                throw VendorFailure(VendorCode.parameter, "pbData, pbSignedData and pbLength must not be NULL")
            }
            guard signatureLength.pointee >= 64 else {
                throw VendorFailure(VendorCode.parameter, "*pbLength is \(signatureLength.pointee); the signature is 64 bytes")
            }
            let sam = try port.requireSAM()
            let bytes = Array(UnsafeBufferPointer(start: data, count: Int(length)))
            let signed = try runBlocking { try await sam.module.sign(bytes) }
            signature.update(from: signed, count: signed.count)
            signatureLength.pointee = UInt8(signed.count)
            return VendorCode.ok
        })
}
