import HealthCardFoundation

/// A response APDU: an optional data field followed by the status word SW1 SW2
/// (ISO/IEC 7816-4:2005 §5.1).
///
/// Parsing never looks at the status word's meaning: a `6A82` response is a perfectly valid
/// response (status words are data); what it means is decided per command by
/// ``StatusWordInterpretation``.
public struct ResponseAPDU: Hashable, Sendable {
    /// The response data field (`Nr` bytes), empty for most write commands and for errors.
    public let data: [UInt8]
    public let statusWord: StatusWord

    public init(data: [UInt8] = [], statusWord: StatusWord) {
        self.data = data
        self.statusWord = statusWord
    }

    /// Splits raw response bytes (as returned by `SCardTransmit` or vpcd) into data and SW1 SW2.
    ///
    /// - Throws: `HealthCardError/Code/truncated` for fewer than 2 bytes: every response ends
    ///   with a status word, so a shorter one means the transport lost bytes.
    public init(bytes: [UInt8]) throws(HealthCardError) {
        try self.init(bytes: bytes[...])
    }

    /// Slice overload of `init(bytes:)`.
    public init(bytes: ArraySlice<UInt8>) throws(HealthCardError) {
        guard bytes.count >= 2 else {
            throw .truncated("response APDU needs SW1 SW2, got \(bytes.count) bytes at byte offset 0")
        }
        let end = bytes.endIndex
        self.init(
            data: Array(bytes[..<(end - 2)]),
            statusWord: StatusWord(sw1: bytes[end - 2], sw2: bytes[end - 1]))
    }

    /// Data followed by SW1 SW2.
    public var bytes: [UInt8] { data + statusWord.bytes }

    public var sw1: UInt8 { statusWord.sw1 }
    public var sw2: UInt8 { statusWord.sw2 }
}

extension ResponseAPDU: CustomStringConvertible {
    /// `"6F10840C… 9000"`: data in hex, a space, then the status word; just `"9000"` without data.
    public var description: String {
        data.isEmpty ? statusWord.hex : "\(Hex.encode(data)) \(statusWord.hex)"
    }
}
