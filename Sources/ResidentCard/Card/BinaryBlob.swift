import HealthCardFoundation

/// Raw bytes that travel through JSON as an uppercase hex string: certificates, signatures,
/// photos. A distinct type (not `[UInt8]`) so that JSON shows `"A1B2…"` rather than an array of
/// numbers, and so hand-written record files can carry them.
public struct BinaryBlob: Hashable, Sendable, Codable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { bytes = try Hex.decode(text) } catch let error as HealthCardError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Hex.encode(bytes))
    }

    public var description: String { Hex.encode(bytes) }
}
