import Foundation
import HealthCardFoundation
import ResidentCard
import ResidentCardEmulator

/// Checks a card image (`CardImage`) against the card layout without running a card: every
/// file the layout has is present with the right structure, every record's TLV header and every
/// field's encoding conform (health-card.md §3 encodings, §4 layouts), the stored CRC-32s match,
/// and the DF03 indexes agree with the encounter slots (§7.5: the index is the commit point).
///
/// Why not just load the image and read it through the virtual card: that stops at the first
/// problem and names it in the terms of an APDU exchange. A fixture check wants every problem
/// in one pass, each with its file, record and byte offset.
///
/// Findings:
/// - **error**: not JSON / not a card image / unknown format; a file missing, unknown or of the
///   wrong shape; a CRC-32 that does not match (names the file); a TLV header or field that does
///   not decode (names the record or byte offset and the field); an index byte other than `00`/`FF`;
///   a slot the index marks valid that is empty, does not decode, or whose signature fails.
/// - **warning**: a slot the index marks empty that still holds bytes (an interrupted write, or
///   an erased record: invisible to readers, so not an error).
public enum CardImageValidator {
    /// The findings for the image bytes `data`, reported against `file`.
    public static func validate(_ data: Data, file: String) -> [FixtureFinding] {
        let image: CardImage
        do {
            image = try JSONDecoder().decode(CardImage.self, from: data)
        } catch let error as DecodingError {
            return [FixtureFinding(.error, file: file, location: error.path, "not a card image: \(error.summary)")]
        } catch {
            return [FixtureFinding(.error, file: file, "not a card image: \(error)")]
        }
        return validate(image, file: file)
    }

    /// The findings for a decoded image.
    public static func validate(_ image: CardImage, file: String) -> [FixtureFinding] {
        var findings: [FixtureFinding] = []
        func report(_ severity: FixtureFinding.Severity, _ location: String?, _ message: String) {
            findings.append(FixtureFinding(severity, file: file, location: location, message))
        }
        guard image.format == CardImage.currentFormat else {
            report(.error, "format", "format '\(image.format)', expected '\(CardImage.currentFormat)'")
            return findings
        }
        let known = Set(ResidentCardFileSystem.allFiles.map(\.path))
        for contents in image.files {
            if !known.contains(contents.path) {
                report(.error, contents.path, "the card layout has no file \(contents.path)")
            } else if contents.crc32 == nil {
                report(
                    .error, contents.path,
                    "no \"crc32\": every file carries the CRC-32 of its bytes, so that an edit by hand is caught")
            } else if let crc = contents.crc32, crc != CRC32.hex(contents.bytes) {
                report(
                    .error, contents.path,
                    "the bytes do not match the image's CRC-32 \(crc) (computed \(CRC32.hex(contents.bytes))): "
                        + "the image was corrupted or edited by hand")
            }
        }
        for spec in ResidentCardFileSystem.allFiles {
            guard let contents = image.contents(of: spec) else {
                report(.error, spec.path, "missing: the layout has \(spec.path) (\(spec.name))")
                continue
            }
            for problem in fileProblems(spec, contents) { report(problem.severity, problem.location, problem.message) }
        }
        for kind in EncounterKind.allCases {
            for problem in indexProblems(kind, image) { report(problem.severity, problem.location, problem.message) }
        }
        return findings
    }

    private struct Problem {
        var severity: FixtureFinding.Severity = .error
        var location: String
        var message: String
    }

    /// Structure and field encodings of one file.
    private static func fileProblems(_ spec: ElementaryFileSpec, _ contents: CardImage.FileContents) -> [Problem] {
        let path = spec.path
        switch spec.structure {
        case .tlvRecords:
            guard let records = contents.records?.map(\.bytes) else {
                return [Problem(location: path, message: "a TLV file needs \"records\", the image has \"data\"")]
            }
            guard records.count <= spec.fields.count else {
                return [
                    Problem(
                        location: "\(path) record \(spec.fields.count + 1)",
                        message: "\(records.count) records, the layout has \(spec.fields.count)")
                ]
            }
            var problems: [Problem] = []
            for (index, (field, record)) in zip(spec.fields, records).enumerated() {
                let location = "\(path) record \(index + 1) (\(field.key))"
                do {
                    let tlv = try TLVRecord.parse(record, expectedTag: field.item, expectedLength: field.length)
                    _ = try CardRecordCodec.decodeField(field, tlv.value, file: spec, location: location)
                } catch let error as HealthCardError {
                    problems.append(Problem(location: location, message: error.reason.strippingLocation(location)))
                } catch {
                    problems.append(Problem(location: location, message: "\(error)"))
                }
            }
            return problems
        case .cyclic(let count, let length), .linearFixed(let count, let length):
            guard let records = contents.records?.map(\.bytes) else {
                return [Problem(location: path, message: "a record file needs \"records\", the image has \"data\"")]
            }
            guard records.count == count else {
                return [Problem(location: path, message: "\(records.count) records, the layout has \(count)")]
            }
            var problems: [Problem] = []
            for (index, record) in records.enumerated() {
                let location = "\(path) record \(index + 1)"
                guard record.count == length else {
                    problems.append(
                        Problem(location: location, message: "\(record.count) bytes, the layout has \(length)"))
                    continue
                }
                problems += fieldProblems(spec, record, at: location)
            }
            return problems
        case .transparent(let size):
            guard let data = contents.data?.bytes else {
                return [Problem(location: path, message: "a transparent file needs \"data\", the image has \"records\"")]
            }
            guard data.count == size else {
                return [Problem(location: path, message: "\(data.count) bytes, the layout has \(size)")]
            }
            return fieldProblems(spec, data, at: path)
        }
    }

    /// Every field of a fixed-layout record; `location` names the record.
    private static func fieldProblems(_ spec: ElementaryFileSpec, _ bytes: [UInt8], at location: String) -> [Problem] {
        var problems: [Problem] = []
        for field in spec.allFields where field.range.upperBound <= bytes.count {
            let fieldLocation = "\(location) offset \(field.offset) (\(field.key))"
            do {
                _ = try CardRecordCodec.decodeField(field, bytes[field.range], file: spec, location: fieldLocation)
            } catch let error as HealthCardError {
                problems.append(Problem(location: fieldLocation, message: error.reason.strippingLocation(fieldLocation)))
            } catch {
                problems.append(Problem(location: fieldLocation, message: "\(error)"))
            }
        }
        return problems
    }

    /// The DF03 index of `kind` against its slots.
    private static func indexProblems(_ kind: EncounterKind, _ image: CardImage) -> [Problem] {
        let indexFile = kind.indexFile
        guard let marks = image.contents(of: indexFile)?.records?.map(\.bytes), marks.count == kind.files.count
        else { return [] }  // reported as a structure problem of the index file
        var problems: [Problem] = []
        for (offset, mark) in marks.enumerated() {
            let slot = offset + 1
            let slotFile = kind.files[offset]
            let bytes = image.contents(of: slotFile)?.data?.bytes ?? []
            let written = bytes.contains { $0 != 0xFF }
            switch mark {
            case [0x00]:
                guard written else {
                    problems.append(
                        Problem(
                            location: "\(indexFile.path) record \(slot)",
                            message: "marks \(kind) slot \(slot) valid, but \(slotFile.path) is empty"))
                    continue
                }
                if EncounterSignature.verify(bytes, dataLength: kind.dataLength) == false {
                    problems.append(
                        Problem(
                            location: "\(slotFile.path) offset \(kind.dataLength)",
                            message: "the record's SM2 signature does not verify against its SAM certificate"))
                }
            case [0xFF]:
                if written {
                    problems.append(
                        Problem(
                            severity: .warning, location: slotFile.path,
                            message: "holds bytes but \(indexFile.path) record \(slot) marks it empty "
                                + "(an interrupted write or an erased record; readers ignore it)"))
                }
            default:
                problems.append(
                    Problem(
                        location: "\(indexFile.path) record \(slot)",
                        message: "index byte \(Hex.encode(mark)), expected 00 (valid) or FF (empty)"))
            }
        }
        return problems
    }
}

extension String {
    /// The reason without the `location: ` prefix that ``HealthCardError/located(_:)`` added,
    /// because the finding carries the location separately.
    fileprivate func strippingLocation(_ location: String) -> String {
        hasPrefix(location + ": ") ? String(dropFirst(location.count + 2)) : self
    }
}

extension DecodingError {
    /// The JSON path of the problem: `files[3].records[1]`.
    var path: String? {
        let context: Context? =
            switch self {
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
                .dataCorrupted(let context):
                context
            @unknown default: nil
            }
        guard let codingPath = context?.codingPath, !codingPath.isEmpty else { return nil }
        return codingPath.reduce("") { path, key in
            if let index = key.intValue { return path + "[\(index)]" }
            return path.isEmpty ? key.stringValue : path + "." + key.stringValue
        }
    }

    /// The decoder's message, without Foundation's type dump.
    var summary: String {
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.debugDescription
        case .keyNotFound(let key, _):
            "no \"\(key.stringValue)\""
        @unknown default:
            "\(self)"
        }
    }
}
