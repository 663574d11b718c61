import HealthCardFoundation

/// A two-dimensional symbology a code can be printed in.
///
/// GB/T 38961-2020 (personal health information code) recommends **Grid Matrix** (GB/T 27766) as
/// the carrier; deployed health codes use QR Code. Both are drawn (QR through libqrencode, Grid
/// Matrix through libzint); only QR can be scanned back, since no open Grid Matrix decoder is
/// known (``hasOpenDecoder``).
///
/// The raw values suit a command-line option.
public enum Symbology: String, CaseIterable, Sendable {
    /// QR Code, ISO/IEC 18004 (GB/T 18284).
    case qr
    /// Grid Matrix, GB/T 27766-2011; recommended by GB/T 38961-2020.
    case gridMatrix = "grid-matrix"
}

extension Symbology {
    /// Whether an open decoder reads this symbology (zbar reads QR; nothing open reads Grid
    /// Matrix), so that a symbol can be checked by scanning it back.
    public var hasOpenDecoder: Bool { self == .qr }
}
