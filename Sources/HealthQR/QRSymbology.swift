import HealthCardFoundation

/// A two-dimensional symbology a health code can be printed in.
///
/// GB/T 38961-2020 (personal health information code) recommends **Grid Matrix** (GB/T 27766) as
/// the carrier; deployed health codes use QR Code. Only ``qr`` can be rendered: there is no open
/// Grid Matrix encoder packaged for Debian, so asking for it fails loudly instead of silently
/// producing a QR symbol.
///
/// The raw values suit a command-line option.
public enum Symbology: String, CaseIterable, Sendable {
    /// QR Code, ISO/IEC 18004 (GB/T 18284).
    case qr
    /// Grid Matrix, GB/T 27766-2011; recommended by GB/T 38961-2020, not implemented.
    case gridMatrix = "grid-matrix"
}

extension Symbology {
    /// Whether this library can render and scan the symbology.
    public var isImplemented: Bool { self == .qr }

    /// Throws unless this symbology can be rendered and scanned.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for ``gridMatrix``.
    public func requireImplemented() throws {
        guard isImplemented else {
            throw HealthCardError.invalidValue(
                "Grid Matrix (GB/T 38961) is not implemented: no open encoder is packaged for Debian")
        }
    }
}
