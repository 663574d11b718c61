import Foundation
import HealthCardFoundation
import ResidentCard

/// The complete state of a virtual resident health card, as a JSON file: its ATR, every file's
/// bytes, and its keys with their retry counters. `hcard card new` writes one, `hcard emulate`
/// and `hcard read --image` run the virtual card over one, `hcard fixtures validate` checks one.
///
/// Why JSON with hex records: a person can diff two images and see which record changed. Each
/// file carries a CRC-32 of its bytes, so an edited or corrupted image is caught on load and
/// named by file (a flipped byte in a text field is otherwise still valid GBK).
public struct CardImage: Codable, Hashable, Sendable {
    public static let currentFormat = "hcard-card-image/1"

    public var format: String
    /// The card's reset response; its last 8 historical bytes are the card diversification factor.
    public var atr: BinaryBlob
    /// Keys by name (`RK_DDF1`, `SM_2802`), diversified for this card.
    public var keys: [String: KeyState]
    /// Every EF, in card order.
    public var files: [FileContents]

    public struct KeyState: Codable, Hashable, Sendable {
        public var key: BinaryBlob
        public var retriesLeft: Int
        public var maxRetries: Int
    }

    /// One EF: records (TLV, cyclic, linear fixed) or data (transparent).
    public struct FileContents: Codable, Hashable, Sendable {
        /// `"DDF1/EF05"`, `"DF03/ED02"`.
        public var path: String
        public var records: [BinaryBlob]?
        public var data: BinaryBlob?
        /// CRC-32 (IEEE) of the file's bytes (records concatenated), as 8 hex digits.
        public var crc32: String?

        package var bytes: [UInt8] { records.map { $0.flatMap(\.bytes) } ?? data?.bytes ?? [] }
    }

    public init(atr: [UInt8], keys: [String: KeyState], files: [FileContents]) {
        self.format = Self.currentFormat
        self.atr = BinaryBlob(atr)
        self.keys = keys
        self.files = files
    }

    // MARK: Files

    public func contents(of file: ElementaryFileSpec) -> FileContents? { files.first { $0.path == file.path } }

    mutating func update(_ file: ElementaryFileSpec, _ change: (inout FileContents) -> Void) {
        guard let index = files.firstIndex(where: { $0.path == file.path }) else { return }
        change(&files[index])
    }

    // MARK: Persistence

    /// Loads an image and checks its format and every file's checksum.
    public static func load(from url: URL) throws -> CardImage {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw HealthCardError.malformed("cannot read card image \(url.path): \(error.localizedDescription)")
        }
        let image: CardImage
        do { image = try JSONDecoder().decode(CardImage.self, from: data) } catch {
            throw HealthCardError.malformed("\(url.path) is not a card image: \(error)")
        }
        guard image.format == currentFormat else {
            throw HealthCardError.malformed("\(url.path): format '\(image.format)', expected '\(currentFormat)'")
        }
        for file in image.files where file.crc32 != nil && file.crc32 != CRC32.hex(file.bytes) {
            throw HealthCardError.malformed(
                "\(url.path): \(file.path) does not match its checksum (the image was corrupted or edited by hand)")
        }
        return image
    }

    /// Writes the image atomically and durably (`AtomicFile`), owner-only because it holds the
    /// card keys, so a crash or a kill never leaves a half-written image.
    public func save(to url: URL) throws {
        var sealed = self
        for index in sealed.files.indices { sealed.files[index].crc32 = CRC32.hex(sealed.files[index].bytes) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(sealed)
        try AtomicFile.write(Array(data), to: url.path, mode: AtomicFile.ownerOnlyMode)
    }
}
