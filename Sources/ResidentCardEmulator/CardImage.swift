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

    /// Loads an image and checks its format, every file's checksum and every file's size against
    /// the card layout (``checkLayout(source:)``).
    ///
    /// - Throws: `HealthCardError/Code/malformed` naming the image file and the card file.
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
        for file in image.files {
            guard let crc = file.crc32 else {
                throw HealthCardError.malformed(
                    "\(url.path): \(file.path) has no \"crc32\" (every file carries the checksum of its bytes)")
            }
            guard crc == CRC32.hex(file.bytes) else {
                throw HealthCardError.malformed(
                    "\(url.path): \(file.path) does not match its checksum (the image was corrupted or edited by hand)")
            }
        }
        try image.checkLayout(source: url.path)
        return image
    }

    /// Checks that the image holds exactly the files of the layout (`ResidentCardFileSystem`),
    /// each with the layout's structure and size: a transparent file's `data` is as long as the
    /// file, a record file has its number of records of its record length, a TLV file has at most
    /// one record per field, each `tag ‖ len ‖ value` of the field's length.
    ///
    /// Why on load: the virtual card writes into these bytes at the offsets of the layout, so a
    /// short or missing file would otherwise surface as a write that "succeeded" into nothing, or
    /// as a crash, instead of as an error that names the image and the file.
    ///
    /// - Throws: `HealthCardError/Code/malformed`: `"SOURCE: DDF1/EF07 (photo) has 2 bytes, the layout has 3074"`.
    public func checkLayout(source: String) throws {
        let layout = ResidentCardFileSystem.allFiles
        var seen = Set<String>()
        for file in files {
            guard layout.contains(where: { $0.path == file.path }) else {
                throw HealthCardError.malformed("\(source): the card layout has no file \(file.path)")
            }
            guard seen.insert(file.path).inserted else {
                throw HealthCardError.malformed("\(source): \(file.path) appears twice")
            }
        }
        for spec in layout {
            guard let contents = contents(of: spec) else {
                throw HealthCardError.malformed("\(source): \(spec.path) (\(spec.name)) is missing; the layout has it")
            }
            if let problem = Self.sizeProblem(contents, spec) {
                throw HealthCardError.malformed("\(source): \(spec.path) (\(spec.name)) \(problem)")
            }
        }
    }

    /// How `contents` does not fit the structure and size of `spec`, or `nil`.
    private static func sizeProblem(_ contents: FileContents, _ spec: ElementaryFileSpec) -> String? {
        switch spec.structure {
        case .transparent(let size):
            guard let data = contents.data?.bytes, contents.records == nil else {
                return "needs \"data\" of \(size) bytes"
            }
            return data.count == size ? nil : "has \(data.count) bytes, the layout has \(size)"
        case .cyclic(let count, let length), .linearFixed(let count, let length):
            guard let records = contents.records?.map(\.bytes), contents.data == nil else {
                return "needs \"records\": \(count) of \(length) bytes"
            }
            guard records.count == count else { return "has \(records.count) records, the layout has \(count)" }
            if let index = records.firstIndex(where: { $0.count != length }) {
                return "record \(index + 1) has \(records[index].count) bytes, the layout has \(length)"
            }
            return nil
        case .tlvRecords:
            guard let records = contents.records?.map(\.bytes), contents.data == nil else {
                return "needs \"records\", one per field"
            }
            guard records.count <= spec.fields.count else {
                return "has \(records.count) records, the layout has \(spec.fields.count)"
            }
            for (index, (record, field)) in zip(records, spec.fields).enumerated()
            where record.count != field.length + 2 {
                return "record \(index + 1) (\(field.key)) has \(record.count) bytes, the layout has \(field.length + 2)"
            }
            return nil
        }
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
