import HealthCardCore
import Testing

/// `import HealthCardCore` alone still reaches a type of every library target, so code written
/// against the single module keeps building.
@Suite("Umbrella: HealthCardCore re-exports every target")
struct UmbrellaTests {
    @Test("one type from each target is visible through the umbrella")
    func reexports() throws {
        #expect(CitizenIDValidator().validate("11010519491231002X").isValid)  // HealthCardFoundation
        #expect(SM3.hash(Array("abc".utf8)).count == 32)  // HealthCardCrypto
        #expect(ResidentCardFileSystem.DF.ddf1.rawValue == 0xDDF1)  // ResidentCard
        #expect(VirtualSAM.testPIN.isEmpty == false)  // ResidentCardEmulator
        #expect(ReaderError.noReaders().code == .noReaders)  // ResidentCardPCSC
        #expect(try Base45.decode(Base45.encode(Array("hi".utf8))) == Array("hi".utf8))  // HealthQR
        #expect(QRImageFormat.allCases.contains(.png))  // HealthQRImaging
        #expect(ZXingQRDecoder.version.isEmpty == false)  // HealthQRZXing
        #expect(HealthColour.red != .green)  // PersonalHealthCode
        #expect(JaroWinkler.similarity("王", "王") == 1)  // EMPI
        #expect(IdentifierDomain.self == IdentifierDomain.self)  // EMPIIndex
        #expect(FixtureFinding.Severity.error != .warning)  // HealthCardFixtures
    }
}
