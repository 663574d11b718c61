import Foundation
import Testing
@testable import HealthCardCrypto
@testable import HealthCardFoundation


@Suite("QRPayload: key files")
struct QRPayloadKeyFilesTests {
    @Test("a private key file is created 0600, refuses to be overwritten, and reads back")
    func privateKey() throws {
        let directory = try QRPayloadListsTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("issuer.key").path
        let key = try SM2PrivateKey()
        try KeyFiles.writePrivateKey(key, to: path)
        #expect(try AtomicFile.permissions(of: path) == 0o600)
        let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try KeyFiles.readPrivateKey(at: path).publicKey == key.publicKey)

        let other = try SM2PrivateKey()
        #expect {
            try KeyFiles.writePrivateKey(other, to: path)
        } throws: { error in
            (error as? FileAccessError)?.alreadyExists == true
        }
        #expect(try KeyFiles.readPrivateKey(at: path).publicKey == key.publicKey)

        // Replacing is explicit, and the replacement is 0600 too, even from a 0644 file.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        try KeyFiles.writePrivateKey(other, to: path, overwrite: true)
        #expect(try AtomicFile.permissions(of: path) == 0o600)
        #expect(try KeyFiles.readPrivateKey(at: path).publicKey == other.publicKey)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers == ["issuer.key"])
    }

    @Test("a symlink at the target path is not followed")
    func symlink() throws {
        let directory = try QRPayloadListsTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("elsewhere").path
        let link = directory.appendingPathComponent("issuer.key").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: FileAccessError.self) { try KeyFiles.writePrivateKey(SM2PrivateKey(), to: link) }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("public keys: written 0644, read from a public or a private PEM, errors name the file")
    func publicKey() throws {
        let directory = try QRPayloadListsTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try SM2PrivateKey()
        let publicPath = directory.appendingPathComponent("issuer.pub").path
        let privatePath = directory.appendingPathComponent("issuer.key").path
        try KeyFiles.writePublicKey(key.publicKey, to: publicPath)
        try KeyFiles.writePrivateKey(key, to: privatePath)
        #expect(try AtomicFile.permissions(of: publicPath) == 0o644)
        #expect(try KeyFiles.readPublicKey(at: publicPath) == key.publicKey)
        #expect(try KeyFiles.readPublicKey(at: privatePath) == key.publicKey)

        let junkPath = directory.appendingPathComponent("junk.pem").path
        try AtomicFile.write(Array("hello".utf8), to: junkPath, mode: 0o644, replace: false)
        #expect {
            try KeyFiles.readPublicKey(at: junkPath)
        } throws: { error in
            (error as? HealthCardError)?.reason.hasPrefix("\(junkPath): not a PEM public key") == true
        }
        #expect {
            try KeyFiles.readPrivateKey(at: publicPath)
        } throws: { error in
            (error as? HealthCardError)?.reason.hasPrefix("\(publicPath): not an unencrypted PEM private key") == true
        }
    }
}
