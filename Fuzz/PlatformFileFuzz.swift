// libFuzzer target for the platform exchange files of the e-health-card accounts
// (Scripts/fuzz.sh platform-file): `PlatformFile(parsing:)`, header, records, `%` escapes and the
// SM3 trailer, with the real SM3 of OpenSSL.
//
// Every input is parsed as it is and, so that the fuzzer gets past the checksum to the records,
// with its last line replaced by the right `SM3|…` trailer. Parsing promises never to trap; a
// parsed file's text parses back to an equal file, except that the creation time keeps whole
// seconds only (`ISO8601Instant.format`), so the second parse must be a fixed point.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func platformFileFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let text = String(decoding: bytes, as: UTF8.self)  // UTF-8-lossy: invalid bytes become U+FFFD

    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    let records = lines.dropFirst().dropLast().map { $0 + "\n" }.joined()
    let withTrailer = (lines.dropLast() + ["SM3|" + Hex.encode(SM3.hash(Array(records.utf8))).uppercased()])
        .joined(separator: "\n") + "\n"

    for candidate in [text, withTrailer] {
        guard let file = try? PlatformFile(parsing: candidate) else { continue }
        precondition(file.records.allSatisfy { $0.count == file.kind.fields.count })
        guard let again = try? PlatformFile(parsing: file.text, expected: file.kind) else {
            preconditionFailure("platform file text does not parse back: \(candidate)")
        }
        precondition(again.kind == file.kind && again.source == file.source && again.records == file.records)
        precondition(abs(again.created.timeIntervalSince(file.created)) < 1, "creation time moved")
        precondition((try? PlatformFile(parsing: again.text)) == again, "platform file text is not a fixed point")
    }
    return 0
}
