import Foundation
import HealthCardFoundation
import ResidentCard

/// How `libhcard.so` finds its readers and talks to the card: what the vendor DLL hard-coded
/// for one reader model, as settings (vendor-interface.md §2, §10; Docs/c-api.md "Configuration").
///
/// Read when `iDOpenPort`/`OpenDevice` opens the port: first the file named by `HCARD_CONFIG`
/// (lines `key = value`, `#` comments; an unknown key or a bad value is an error naming the file
/// and line), then the environment variables, which win.
///
/// | key | variable | default | meaning |
/// |---|---|---|---|
/// | `reader` | `HCARD_READER` | the only reader with a card | the user card's PC/SC reader (exact name or unique part) |
/// | `sam_reader` | `HCARD_SAM_READER` | the reader whose ATR is a recognised SAM | the PSAM's reader |
/// | `psam_slot` | `HCARD_PSAM_SLOT` | `0x11` (华大) | the `PowerOn` slot that means the PSAM (新开普: `3`) [U] |
/// | `chunk` | `HCARD_CHUNK` | `0x80` (the vendor trace) | READ/UPDATE BINARY bytes per APDU, `1...255`, or `256` (reads 256, writes 255) |
/// | `text` | `HCARD_TEXT` | `gbk` | `ans` text at the API: `gbk` (the vendor's bytes) or `utf8` |
/// | `card_factor` | `HCARD_CARD_FACTOR` | `lastEightHistoricalBytes` | where the card factor sits in the ATR [U] |
/// | `trace` | `HCARD_TRACE` | `off` | `stderr`: every APDU of card and SAM to standard error (PIN masked) |
/// | `open_port_returns` | `HCARD_OPEN_PORT_RETURNS` | `code` | `iDOpenPort`: `code` (0 = success, the compiled DLL) or `handle` (non-zero = success, S4's example) [U] |
/// | `send_apdu_returns` | `HCARD_SEND_APDU_RETURNS` | `status` | `SendAPDU`: `status` (0 / −1, the compiled DLL) or `sw` (SW1SW2 as the value, S4's example) [U] |
struct VendorConfiguration: Sendable {
    enum TextEncoding: String, Sendable { case gbk, utf8 }

    var reader: String?
    var samReader: String?
    var psamSlot: Int32 = 0x11
    var chunk = 0x80
    var text = TextEncoding.gbk
    var cardFactor = CardFactorSource.lastEightHistoricalBytes
    var trace = false
    /// S4's reading of `iDOpenPort`: non-zero (1) on success, 0 on failure.
    var openPortReturnsHandle = false
    /// S4's reading of `SendAPDU`: the status word as the return value.
    var sendAPDUReturnsStatusWord = false

    static let keys: [(key: String, variable: String)] = [
        ("reader", "HCARD_READER"), ("sam_reader", "HCARD_SAM_READER"), ("psam_slot", "HCARD_PSAM_SLOT"),
        ("chunk", "HCARD_CHUNK"), ("text", "HCARD_TEXT"), ("card_factor", "HCARD_CARD_FACTOR"), ("trace", "HCARD_TRACE"),
        ("open_port_returns", "HCARD_OPEN_PORT_RETURNS"), ("send_apdu_returns", "HCARD_SEND_APDU_RETURNS"),
    ]

    /// The configuration of this process: `HCARD_CONFIG`'s file, then the environment.
    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> VendorConfiguration {
        var configuration = VendorConfiguration()
        if let path = environment["HCARD_CONFIG"], !path.isEmpty {
            let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
            for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    .trimmingCharacters(in: .whitespaces)
                guard !line.isEmpty else { continue }
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[1].isEmpty else {
                    throw HealthCardError.invalidValue("\(path):\(number + 1): expected `key = value`, found '\(line)'")
                }
                do { try configuration.set(parts[0], parts[1]) } catch let error as HealthCardError {
                    throw error.located("\(path):\(number + 1)")
                }
            }
        }
        for (key, variable) in keys {
            guard let value = environment[variable], !value.isEmpty else { continue }
            do { try configuration.set(key, value) } catch let error as HealthCardError { throw error.located(variable) }
        }
        return configuration
    }

    mutating func set(_ key: String, _ value: String) throws {
        switch key {
        case "reader": reader = value
        case "sam_reader": samReader = value
        case "psam_slot":
            guard let slot = Self.integer(value), (0...0xFF).contains(slot), slot != 0x01 else {
                throw HealthCardError.invalidValue("psam_slot: '\(value)' is not a slot number 0...0xFF other than 1 (the user card)")
            }
            psamSlot = Int32(slot)
        case "chunk":
            guard let size = Self.integer(value), (1...256).contains(size) else {
                throw HealthCardError.invalidValue("chunk: '\(value)' is not a chunk size 1...256 (0x80 as the vendor trace)")
            }
            chunk = size
        case "text":
            guard let encoding = TextEncoding(rawValue: value.lowercased()) else {
                throw HealthCardError.invalidValue("text: '\(value)' is neither gbk nor utf8")
            }
            text = encoding
        case "card_factor":
            guard let source = CardFactorSource(rawValue: value) ?? (value == "last8" ? .lastEightHistoricalBytes : nil)
            else {
                throw HealthCardError.invalidValue(
                    "card_factor: '\(value)' is not one of \(CardFactorSource.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            cardFactor = source
        case "trace":
            guard value == "stderr" || value == "off" else { throw HealthCardError.invalidValue("trace: '\(value)' is neither stderr nor off") }
            trace = value == "stderr"
        case "open_port_returns":
            guard value == "code" || value == "handle" else {
                throw HealthCardError.invalidValue("open_port_returns: '\(value)' is neither code nor handle")
            }
            openPortReturnsHandle = value == "handle"
        case "send_apdu_returns":
            guard value == "status" || value == "sw" else {
                throw HealthCardError.invalidValue("send_apdu_returns: '\(value)' is neither status nor sw")
            }
            sendAPDUReturnsStatusWord = value == "sw"
        default:
            throw HealthCardError.invalidValue(
                "unknown key '\(key)'; the keys are \(Self.keys.map(\.key).joined(separator: ", "))")
        }
    }

    /// Decimal or `0x` hexadecimal.
    private static func integer(_ text: String) -> Int? {
        text.lowercased().hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text)
    }

    /// The session settings: chunk sizes from `chunk` (writes at most 255, the short Lc limit),
    /// no SAM PIN (the caller verifies it with `iVerifyPIN`, as the vendor order requires).
    var session: TerminalSession.Configuration {
        var configuration = TerminalSession.Configuration()
        configuration.cardFactorSource = cardFactor
        configuration.readChunk = chunk
        configuration.writeChunk = min(chunk, 0xFF)
        configuration.samPIN = nil
        return configuration
    }
}
