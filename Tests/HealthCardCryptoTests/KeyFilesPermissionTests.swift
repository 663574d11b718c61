import Foundation
import HealthCardCrypto
import HealthCardFoundation
import HealthCardTestSupport
import Testing

@Suite("Key files: the permission warning for private keys")
struct KeyFilesPermissionTests {
    @Test("a private key readable by others is warned about with the fix; 0600 and public keys are not")
    func warning() throws {
        let directory = try CryptoTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let privatePath = directory.appendingPathComponent("issuer.key").path
        let publicPath = directory.appendingPathComponent("issuer.pub").path
        let key = try SM2PrivateKey()
        try KeyFiles.writePrivateKey(key, to: privatePath)
        try KeyFiles.writePublicKey(key.publicKey, to: publicPath)

        #expect(KeyFiles.permissionWarning(forPrivateKeyAt: privatePath) == nil)
        #expect(KeyFiles.permissionWarning(forPrivateKeyAt: publicPath) == nil)
        #expect(KeyFiles.permissionWarning(forPrivateKeyAt: directory.appendingPathComponent("none").path) == nil)

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: privatePath)
        #expect(
            KeyFiles.permissionWarning(forPrivateKeyAt: privatePath)
                == "private key \(privatePath) is accessible by other users (mode 640); run chmod 600 \(privatePath)")
    }
}
