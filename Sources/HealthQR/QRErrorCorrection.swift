import HealthCardFoundation

/// The error-correction level of a QR symbol: how much of it may be damaged or hidden and still read.
///
/// Higher levels spend more of the symbol on Reed–Solomon codewords, so the same data needs a
/// larger version. The raw values are the letters of ISO/IEC 18004 and `qrencode -l`, so the type
/// can back a command-line option directly (`extension QRErrorCorrection: ExpressibleByArgument {}`).
///
/// - SeeAlso: ISO/IEC 18004:2015 §7.5.1 (= GB/T 18284-2000 §8.5.1)
public enum QRErrorCorrection: String, CaseIterable, Sendable {
    /// About 7 % of codewords can be restored.
    case low = "L"
    /// About 15 %; the usual default (`qrencode`, most health-code issuers).
    case medium = "M"
    /// About 25 %.
    case quartile = "Q"
    /// About 30 %; for symbols printed small or with a logo over them.
    case high = "H"
}

extension QRErrorCorrection {
    /// The share of codewords that can be restored, in percent (7, 15, 25, 30).
    public var recoverablePercent: Int {
        switch self {
        case .low: 7
        case .medium: 15
        case .quartile: 25
        case .high: 30
        }
    }
}
