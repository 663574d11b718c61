// HealthCardCore: the umbrella that integrators import. It re-exports every library target, so
// `import HealthCardCore` gives the whole API; a program that needs only part of it (say, reading
// cards without SQLite or the image libraries) imports the targets it needs instead.
// The target graph: Docs/architecture.md.
@_exported import CheckpointGate
@_exported import CheckpointGateGPIO
@_exported import EMPI
@_exported import EMPIIndex
@_exported import HealthCardCrypto
@_exported import HealthCardFixtures
@_exported import HealthCardFoundation
@_exported import HealthQR
@_exported import HealthQRImaging
@_exported import HealthQRZXing
@_exported import PersonalHealthCode
@_exported import ResidentCard
@_exported import ResidentCardEmulator
@_exported import ResidentCardPCSC
@_exported import ScanRegistration
