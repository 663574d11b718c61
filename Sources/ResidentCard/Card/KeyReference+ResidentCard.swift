import HealthCardFoundation

/// The keys of the resident health card, health-card.md §7.2 (trace-verified for the RK keys and
/// UK_DF03_1; vendor-consistent for the rest). The SAM P1 reading (2x one-level, 4x two-level
/// diversification) is inferred [U].
extension KeyReference {
    public static let rkDDF1 = KeyReference(name: "RK_DDF1", cardReference: 0x04, samP1: 0x47, samP2: 0x31, secureMessagingKey: nil)
    public static let ukDDF1 = KeyReference(name: "UK_DDF1", cardReference: 0x05, samP1: 0x27, samP2: 0x2A, secureMessagingKey: (0x28, 0x02))
    public static let rkDF01 = KeyReference(name: "RK_DF01", cardReference: 0x84, samP1: 0x47, samP2: 0x32, secureMessagingKey: nil)
    public static let ukDF01 = KeyReference(name: "UK_DF01", cardReference: 0x85, samP1: 0x27, samP2: 0x2B, secureMessagingKey: (0x28, 0x03))
    public static let rkDF02 = KeyReference(name: "RK_DF02", cardReference: 0x84, samP1: 0x47, samP2: 0x33, secureMessagingKey: nil)
    public static let ukDF02_1 = KeyReference(name: "UK_DF02_1", cardReference: 0x85, samP1: 0x47, samP2: 0x2C, secureMessagingKey: (0x48, 0x04))
    public static let ukDF02_2 = KeyReference(name: "UK_DF02_2", cardReference: 0x86, samP1: 0x47, samP2: 0x2D, secureMessagingKey: (0x48, 0x04))
    public static let ukDF02_3 = KeyReference(name: "UK_DF02_3", cardReference: 0x87, samP1: 0x47, samP2: 0x2E, secureMessagingKey: nil)
    public static let rkDF03 = KeyReference(name: "RK_DF03", cardReference: 0x84, samP1: 0x47, samP2: 0x34, secureMessagingKey: nil)
    public static let ukDF03_1 = KeyReference(name: "UK_DF03_1", cardReference: 0x85, samP1: 0x47, samP2: 0x2F, secureMessagingKey: nil)
    public static let ukDF03_2 = KeyReference(name: "UK_DF03_2", cardReference: 0x86, samP1: 0x27, samP2: 0x30, secureMessagingKey: nil)

    /// The keys a DF holds, which EXTERNAL AUTHENTICATE addresses by `cardReference` while the DF is current.
    public static func keys(in df: FileIdentifier) -> [KeyReference] {
        switch df {
        case ResidentCardFileSystem.DF.ddf1: [.rkDDF1, .ukDDF1]
        case ResidentCardFileSystem.DF.df01: [.rkDF01, .ukDF01]
        case ResidentCardFileSystem.DF.df02: [.rkDF02, .ukDF02_1, .ukDF02_2, .ukDF02_3]
        case ResidentCardFileSystem.DF.df03: [.rkDF03, .ukDF03_1, .ukDF03_2]
        default: []
        }
    }

    /// The name under which the card stores the secure-messaging key `p1 p2` of the SAM.
    public static func secureMessagingKeyName(p1: UInt8, p2: UInt8) -> String {
        "SM_" + Hex.encode([p1, p2])
    }

    /// The name of the SAM master key addressed by `80 DE p1 p2`.
    public var samKeyName: String {
        Hex.encode([samP1, samP2])
    }

    /// Diversification levels (`80 DE` P1 high nibble 2 = one, 4 = two) [U].
    public var diversificationLevels: Int { samP1 >> 4 == 4 ? 2 : 1 }

    public static let all: [KeyReference] = [
        .rkDDF1, .ukDDF1, .rkDF01, .ukDF01, .rkDF02, .ukDF02_1, .ukDF02_2, .ukDF02_3, .rkDF03, .ukDF03_1, .ukDF03_2,
    ]
}
