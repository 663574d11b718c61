import Foundation
import HealthCardFoundation
import PersonalHealthCode

#if canImport(Glibc)
    import Glibc
#endif

/// Everything a gate station runs with, read from one JSON file (`Docs/station.md`,
/// example `Fixtures/station/station.json`).
///
/// Strict, because a gate that silently ignores `"doorOpenSecnds"` or an input it does not know
/// is a gate configured by guesswork: an unknown key, a missing required key, a value of the wrong
/// type or an impossible value is an error naming the file, the key's JSON path and the line the
/// key is on. Relative paths are relative to the configuration file's folder, so a site folder
/// can be moved as a whole.
public struct StationConfiguration: Sendable, Hashable {
    /// Where the station stands; every passage is logged with it.
    public var site: CheckpointSite
    /// The direction every passage at this gate is recorded with (a two-way gate runs two stations).
    public var direction: PassDirection
    /// A `CheckpointPolicy` JSON file; `nil` for the strict defaults.
    public var policyFile: String?
    /// The trust list (reloaded when it changes).
    public var trustFile: String
    /// A revocation list (reloaded when it changes).
    public var revocationFile: String?
    /// A platform blacklist file (`HCKPLAT|1|blacklist|…`, reloaded when it changes): its numbers
    /// are refused like revoked cards.
    public var blacklistFile: String?
    /// The pass log (SQLite).
    public var passLog: String
    /// The replay cache of accepted dynamic codes, across restarts.
    public var replayCache: String?
    /// Where codes come from.
    public var inputs: [StationInput]
    /// The serial thermometer; `nil` when temperatures come with the scans (JSON lines) or not at all.
    public var thermometer: ThermometerConfiguration?
    /// What opens the door.
    public var actuator: ActuatorConfiguration
    /// How long the door stays open after a pass, in seconds.
    public var doorOpenSeconds: Double
    /// A file rewritten every ``heartbeatSeconds`` with the current time (monitoring: stale = dead).
    public var heartbeatFile: String?
    /// A JSON file with the station's state: last scan, device health, list status.
    public var stateFile: String?
    public var heartbeatSeconds: Double
    /// The one exception to deny-by-default; `nil` for none.
    public var fireEgress: FireEgressConfiguration?
    /// The same scanned text again within this many seconds is one presentation (a camera sees a
    /// code in many frames; a scanner may repeat), not a new passage.
    public var repeatSuppressSeconds: Double
    /// Allowed clock difference for code validity, in seconds.
    public var clockSkewSeconds: Int
    /// Where logged passages are uploaded (``PassageSync``); `nil` for nowhere.
    public var sync: SyncConfiguration?
    /// The monitoring endpoint's address (`GET /state`, `GET /healthz`); `nil` for none.
    public var monitor: MonitorConfiguration?

    /// An IPv4 address and port the station answers monitoring requests on.
    public struct MonitorConfiguration: Sendable, Hashable {
        public var host: String
        public var port: Int
    }

    /// The upload target, its cursor file and how often to try.
    public struct SyncConfiguration: Sendable, Hashable {
        public enum Target: Sendable, Hashable {
            /// ``DirectoryUploadTarget``: the file stand-in for the platform.
            case directory(String)
            /// ``HTTPUploadTarget``: `hcard serve`'s `POST /v1/checkpoints/{checkpoint}/passages`,
            /// with the API key (role `verifier`) read from `keyFile`.
            case http(url: String, timeoutSeconds: Double, keyFile: String?)
        }
        public var target: Target
        /// The last accepted passage id (default: the pass log's path + `.sync-cursor.json`).
        public var cursorFile: String
        public var intervalSeconds: Double
    }

    /// A line scanner (keyboard wedge on a tty, a serial scanner, a FIFO), camera frames (a folder
    /// or a stream), or a PC/SC card reader.
    public enum StationInput: Sendable, Hashable {
        /// Lines from a tty, serial device or FIFO. `baud` sets a serial line's speed (raw mode).
        case lines(path: String, format: LineFormat, baud: Int?)
        /// Camera frames written into a folder (PNG, JPEG, or raw 8-bit grey `.grey` frames of
        /// `width × height`); each frame is decoded once and removed.
        case frames(directory: String, greyWidth: Int?, greyHeight: Int?, maxPixels: Int)
        /// A stream of raw 8-bit grey frames of `width × height` bytes on a FIFO, or on the
        /// station's standard input (`"-"`), as `ffmpeg -f rawvideo -pix_fmt gray -` writes them.
        case frameStream(path: String, width: Int, height: Int)
        /// Resident health cards in a PC/SC reader (``CardReaderConfiguration``).
        case card(CardReaderConfiguration)
    }

    /// A PC/SC reader for resident health cards: each inserted card is read once for its card
    /// number (DDF1/EF05) and holder's ID number (DDF1/EF06, which needs the SAM).
    public struct CardReaderConfiguration: Sendable, Hashable {
        /// The card reader's PC/SC name, or a unique part of it (`"Virtual PCD 00 00"`, `"00 00"`).
        public var reader: String
        /// The SAM's reader; `nil` for the one reader holding a recognised SAM.
        public var samReader: String?
        /// The SAM PIN as hex digits (`"123456"` is the virtual test SAM's); `nil` to verify none.
        public var samPIN: String?
        /// When the policy requires a health code, how long after a card a scanned `HCC1-` code is
        /// taken as shown with it (it must be the card holder's); the card alone is decided when
        /// this runs out. 0 decides every card at once.
        public var codeSeconds: Double
        /// How long one card's read (connect, card number, holder) may take: a read still going
        /// after that is denied as `unreadable` (a card or reader that does not answer), and its
        /// late result, if it ever comes, is dropped.
        public var readTimeoutSeconds: Double

        public init(
            reader: String, samReader: String? = nil, samPIN: String? = nil, codeSeconds: Double = 15,
            readTimeoutSeconds: Double = 10
        ) {
            self.reader = reader
            self.samReader = samReader
            self.samPIN = samPIN
            self.codeSeconds = codeSeconds
            self.readTimeoutSeconds = readTimeoutSeconds
        }
    }

    /// What one scanner line is.
    public enum LineFormat: String, Sendable, Hashable, CaseIterable {
        /// The scanned text itself (an `HCC1-`/`HCK1-` code, anything else is denied as unrecognised).
        case text
        /// A JSON object `{"text": …, "id": …, "temperature": …}` from a terminal that measures too.
        case json
    }

    /// A serial thermometer that prints one reading per line.
    public struct ThermometerConfiguration: Sendable, Hashable {
        public var path: String
        public var baud: Int?
        /// A regular expression whose first capture group is the reading in °C (default `([0-9]+(?:\.[0-9]+)?)`).
        public var pattern: String
        /// A reading older than this (seconds) is no reading.
        public var maxAgeSeconds: Double
    }

    /// The door's driver (see ``DoorActuator``).
    public enum ActuatorConfiguration: Sendable, Hashable {
        /// A USB serial relay module (LC-US / CH340 type), `A0 ch 01 sum` / `A0 ch 00 sum`.
        case serialRelay(path: String, channel: Int, baud: Int?)
        /// An HTTP POST of `{"action": "open"|"close", …}` to `url`.
        case webhook(url: String, timeoutSeconds: Double)
        /// A program run with `open` / `close` as its argument vectors (e.g. `gpioset`).
        case command(open: [String], close: [String], timeoutSeconds: Double)
        /// A GPIO line held as an output through the Linux GPIO character device (libgpiod):
        /// `chip` is a path (`/dev/gpiochip0`) or a name under `/dev` (`gpiochip0`), `line` the
        /// offset on it; active on open, inactive on close (inverted when `activeLow`); `consumer`
        /// is the label the kernel shows for the held line.
        case gpio(chip: String, line: Int, activeLow: Bool, consumer: String)
    }

    /// While `flagFile` exists (a fire-panel contact, a script, a person), the door is held open
    /// and scans are still logged; when it disappears the door closes.
    public struct FireEgressConfiguration: Sendable, Hashable {
        public var flagFile: String
    }

    static let shape = JSONShape.object(
        [
            "checkpoint": .object(
                ["id": .string, "name": .string, "area": .string, "department": .string], required: ["id"]),
            "direction": .string, "policy": .string, "trust": .string, "revocations": .string, "blacklist": .string,
            "passLog": .string, "replayCache": .string,
            "inputs": .array(
                .object(
                    [
                        "kind": .string, "path": .string, "format": .string, "baud": .integer, "directory": .string, "pipe": .string,
                        "greyWidth": .integer, "greyHeight": .integer, "maxPixels": .integer, "reader": .string,
                        "samReader": .string, "samPin": .string, "codeSeconds": .number, "readTimeoutSeconds": .number,
                    ], required: ["kind"])),
            "thermometer": .object(
                ["path": .string, "baud": .integer, "pattern": .string, "maxAgeSeconds": .number], required: ["path"]),
            "actuator": .object(
                [
                    "kind": .string, "path": .string, "channel": .integer, "baud": .integer, "url": .string,
                    "timeoutSeconds": .number, "open": .array(.string), "close": .array(.string), "chip": .string,
                    "line": .integer, "activeLow": .bool, "consumer": .string,
                ], required: ["kind"]),
            "doorOpenSeconds": .number, "heartbeat": .string, "state": .string, "heartbeatSeconds": .number,
            "fireEgress": .object(["flagFile": .string], required: ["flagFile"]),
            "repeatSuppressSeconds": .number, "clockSkewSeconds": .integer,
            "monitor": .object(["listen": .string], required: ["listen"]),
            "sync": .object(
                [
                    "kind": .string, "directory": .string, "url": .string, "timeoutSeconds": .number, "cursor": .string,
                    "intervalSeconds": .number, "keyFile": .string,
                ], required: ["kind"]),
        ], required: ["checkpoint", "trust", "passLog", "inputs", "actuator"])

    /// Keys each input or actuator kind may carry besides `kind`.
    static let kindKeys: [String: Set<String>] = [
        "lines": ["path", "format", "baud"], "frames": ["directory", "pipe", "greyWidth", "greyHeight", "maxPixels"],
        "card": ["reader", "samReader", "samPin", "codeSeconds", "readTimeoutSeconds"],
        "serialRelay": ["path", "channel", "baud"], "webhook": ["url", "timeoutSeconds"],
        "command": ["open", "close", "timeoutSeconds"], "gpio": ["chip", "line", "activeLow", "consumer"],
        "directory": ["directory", "cursor", "intervalSeconds"], "http": ["url", "timeoutSeconds", "cursor", "intervalSeconds", "keyFile"],
    ]

    /// Reads and checks the file at `path`.
    ///
    /// - Throws: `HealthCardError` naming the file, the key and its line.
    public init(contentsOf path: String) throws {
        let bytes = try AtomicFile.read(path)
        try self.init(json: bytes, source: path, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// Parses a configuration; relative paths are resolved against `baseDirectory`.
    public init(json bytes: [UInt8], source: String, baseDirectory: String) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        func located(_ error: HealthCardError) -> HealthCardError {
            // `unknown key "x"`, `missing required key "x"`, `path.key: …`: add the line of the key.
            let message = error.reason
            guard let key = Self.offendingKey(in: message), let line = Self.line(ofKey: key, in: text) else { return error }
            return HealthCardError(code: error.code, reason: "\(message) (line \(line))")
        }
        let value: JSONValue
        do {
            value = try Self.shape.check(json: bytes, source: source)
        } catch let error as HealthCardError {
            throw located(error)
        }
        do {
            try self.init(value, source: source, base: baseDirectory)
        } catch let error as HealthCardError {
            throw located(error)
        }
    }

    private init(_ value: JSONValue, source: String, base: String) throws {
        guard case .object(let root) = value else { throw HealthCardError.malformed("\(source): not an object") }
        func fail(_ key: String, _ message: String) -> HealthCardError {
            HealthCardError.malformed("\(source): \(key): \(message)")
        }
        func string(_ object: [String: JSONValue], _ key: String) -> String? {
            if case .string(let text) = object[key] { return text }
            return nil
        }
        func number(_ object: [String: JSONValue], _ key: String) -> Double? {
            if case .number(let number) = object[key] { return number }
            return nil
        }
        func path(_ object: [String: JSONValue], _ key: String, at location: String) throws -> String? {
            guard let text = string(object, key) else { return nil }
            guard !text.isEmpty else { throw fail(location, "empty path") }
            return text.hasPrefix("/") ? text : (base.isEmpty ? text : base + "/" + text)
        }
        func positive(_ object: [String: JSONValue], _ key: String, at location: String, default value: Double, max: Double)
            throws -> Double
        {
            guard let number = number(object, key) else { return value }
            guard number > 0, number <= max else { throw fail(location, "\(number) is outside (0, \(max)]") }
            return number
        }
        func baud(_ object: [String: JSONValue], at location: String) throws -> Int? {
            guard let baud = number(object, "baud").map(Int.init) else { return nil }
            guard SerialLine.supportedBauds.contains(baud) else {
                throw fail(location, "\(baud) is not a supported speed (\(SerialLine.supportedBauds.map(String.init).joined(separator: ", ")))")
            }
            return baud
        }
        func onlyKeys(_ object: [String: JSONValue], kind: String, at location: String) throws {
            guard let allowed = Self.kindKeys[kind] else { return }
            for key in object.keys.sorted() where key != "kind" && !allowed.contains(key) {
                throw fail("\(location).\(key)", "unknown key \"\(key)\" for kind \(kind) (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
        }

        guard case .object(let checkpoint) = root["checkpoint"] else { throw fail("checkpoint", "missing") }
        do {
            site = try CheckpointSite(
                id: string(checkpoint, "id") ?? "", name: string(checkpoint, "name") ?? "",
                area: string(checkpoint, "area") ?? "", department: string(checkpoint, "department") ?? "")
        } catch {
            throw fail("checkpoint.id", "\(error)")
        }
        let directionText = string(root, "direction") ?? "in"
        guard let direction = PassDirection(rawValue: directionText) else {
            throw fail("direction", "'\(directionText)' is neither in nor out")
        }
        self.direction = direction
        policyFile = try path(root, "policy", at: "policy")
        trustFile = try path(root, "trust", at: "trust")!
        revocationFile = try path(root, "revocations", at: "revocations")
        blacklistFile = try path(root, "blacklist", at: "blacklist")
        passLog = try path(root, "passLog", at: "passLog")!
        replayCache = try path(root, "replayCache", at: "replayCache")
        heartbeatFile = try path(root, "heartbeat", at: "heartbeat")
        stateFile = try path(root, "state", at: "state")

        guard case .array(let inputValues) = root["inputs"], !inputValues.isEmpty else {
            throw fail("inputs", "at least one input is needed")
        }
        var inputs: [StationInput] = []
        for (index, item) in inputValues.enumerated() {
            let location = "inputs[\(index)]"
            guard case .object(let input) = item else { throw fail(location, "not an object") }
            let kind = string(input, "kind") ?? ""
            try onlyKeys(input, kind: kind, at: location)
            switch kind {
            case "lines":
                guard let file = try path(input, "path", at: "\(location).path") else {
                    throw fail(location, "a lines input needs \"path\" (a tty, serial device or FIFO)")
                }
                let formatText = string(input, "format") ?? "text"
                guard let format = LineFormat(rawValue: formatText) else {
                    throw fail("\(location).format", "'\(formatText)' is neither text nor json")
                }
                inputs.append(.lines(path: file, format: format, baud: try baud(input, at: "\(location).baud")))
            case "frames":
                let width = number(input, "greyWidth").map(Int.init)
                let height = number(input, "greyHeight").map(Int.init)
                guard (width == nil) == (height == nil), (width ?? 1) > 0, (height ?? 1) > 0 else {
                    throw fail(location, "greyWidth and greyHeight go together and are positive")
                }
                let maxPixels = number(input, "maxPixels").map(Int.init) ?? 16_000_000
                guard maxPixels > 0 else { throw fail("\(location).maxPixels", "must be positive") }
                if let stream = string(input, "pipe") {
                    guard input["directory"] == nil else {
                        throw fail("\(location).pipe", "a frames input reads a \"directory\" or a \"pipe\", not both")
                    }
                    guard let width, let height else {
                        throw fail(location, "a frame pipe needs greyWidth and greyHeight (the size of each raw grey frame)")
                    }
                    guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels, width <= 1 << 16, height <= 1 << 16
                    else {
                        throw fail(location, "a \(width)×\(height) frame is over maxPixels (\(maxPixels))")
                    }
                    var file = "-"
                    if stream != "-" { file = try path(input, "pipe", at: "\(location).pipe")! }
                    inputs.append(.frameStream(path: file, width: width, height: height))
                    continue
                }
                guard let directory = try path(input, "directory", at: "\(location).directory") else {
                    throw fail(location, "a frames input needs \"directory\" (a folder of frame files) or \"pipe\" (a FIFO or \"-\")")
                }
                inputs.append(.frames(directory: directory, greyWidth: width, greyHeight: height, maxPixels: maxPixels))
            case "card":
                guard let reader = string(input, "reader"), !reader.isEmpty else {
                    throw fail(location, "a card input needs \"reader\" (its PC/SC name, see `hcard readers`)")
                }
                let pin = string(input, "samPin")
                if let pin, pin.isEmpty || (try? Hex.decode(pin)) == nil {
                    throw fail("\(location).samPin", "must be hex digits, e.g. \"123456\"")
                }
                let codeSeconds = number(input, "codeSeconds") ?? 15
                guard (0...120).contains(codeSeconds) else {
                    throw fail("\(location).codeSeconds", "\(codeSeconds) is outside 0...120")
                }
                let readTimeout = number(input, "readTimeoutSeconds") ?? 10
                guard (1...120).contains(readTimeout) else {
                    throw fail("\(location).readTimeoutSeconds", "\(readTimeout) is outside 1...120")
                }
                inputs.append(
                    .card(CardReaderConfiguration(
                        reader: reader, samReader: string(input, "samReader"), samPIN: pin, codeSeconds: codeSeconds,
                        readTimeoutSeconds: readTimeout)))
            default:
                throw fail("\(location).kind", "'\(kind)' is not an input kind (lines, frames, card)")
            }
        }
        self.inputs = inputs

        if case .object(let thermometer) = root["thermometer"] {
            let pattern = string(thermometer, "pattern") ?? #"([0-9]+(?:\.[0-9]+)?)"#
            do {
                let regex = try NSRegularExpression(pattern: pattern)
                guard regex.numberOfCaptureGroups >= 1 else {
                    throw fail("thermometer.pattern", "needs a capture group for the reading, e.g. T=([0-9.]+)")
                }
            } catch let error as HealthCardError {
                throw error
            } catch {
                throw fail("thermometer.pattern", "not a regular expression: \(pattern)")
            }
            self.thermometer = ThermometerConfiguration(
                path: try path(thermometer, "path", at: "thermometer.path")!,
                baud: try baud(thermometer, at: "thermometer.baud"), pattern: pattern,
                maxAgeSeconds: try positive(thermometer, "maxAgeSeconds", at: "thermometer.maxAgeSeconds", default: 10, max: 3600))
        } else {
            thermometer = nil
        }

        guard case .object(let actuator) = root["actuator"] else { throw fail("actuator", "missing") }
        let kind = string(actuator, "kind") ?? ""
        try onlyKeys(actuator, kind: kind, at: "actuator")
        let timeout = try positive(actuator, "timeoutSeconds", at: "actuator.timeoutSeconds", default: 2, max: 60)
        switch kind {
        case "serialRelay":
            guard let device = try path(actuator, "path", at: "actuator.path") else {
                throw fail("actuator", "a serialRelay needs \"path\"")
            }
            let channel = number(actuator, "channel").map(Int.init) ?? 1
            guard (1...8).contains(channel) else { throw fail("actuator.channel", "\(channel) is outside 1...8") }
            self.actuator = .serialRelay(path: device, channel: channel, baud: try baud(actuator, at: "actuator.baud"))
        case "webhook":
            guard let url = string(actuator, "url"), let parsed = URL(string: url),
                parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil
            else { throw fail("actuator.url", "a webhook needs an http:// or https:// url") }
            self.actuator = .webhook(url: url, timeoutSeconds: timeout)
        case "command":
            func argv(_ key: String) throws -> [String] {
                guard case .array(let items) = actuator[key], !items.isEmpty else {
                    throw fail("actuator.\(key)", "a command needs \"\(key)\": [program, arguments…]")
                }
                return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            }
            self.actuator = .command(open: try argv("open"), close: try argv("close"), timeoutSeconds: timeout)
        case "gpio":
            guard let chip = string(actuator, "chip"), !chip.isEmpty, chip.hasPrefix("/") || !chip.contains("/") else {
                throw fail("actuator.chip", "a gpio door needs \"chip\": a path (/dev/gpiochip0) or a name (gpiochip0)")
            }
            guard let line = number(actuator, "line").map(Int.init) else {
                throw fail("actuator", "a gpio door needs \"line\": the line's offset on the chip")
            }
            guard (0..<512).contains(line) else { throw fail("actuator.line", "\(line) is outside 0...511") }
            var activeLow = false
            if case .bool(let value) = actuator["activeLow"] { activeLow = value }
            // The default label is cut to the kernel's 31 bytes (on a character boundary); a written one must fit.
            var defaultLabel = "hcard \(site.id)"
            while defaultLabel.utf8.count > 31 { defaultLabel.removeLast() }
            let consumer = string(actuator, "consumer") ?? defaultLabel
            guard !consumer.isEmpty, consumer.utf8.count <= 31 else {
                throw fail("actuator.consumer", "'\(consumer)' must be 1 to 31 bytes (the kernel's label size)")
            }
            self.actuator = .gpio(chip: chip, line: line, activeLow: activeLow, consumer: consumer)
        default:
            throw fail("actuator.kind", "'\(kind)' is not an actuator kind (serialRelay, webhook, command, gpio)")
        }
        doorOpenSeconds = try positive(root, "doorOpenSeconds", at: "doorOpenSeconds", default: 3, max: 120)
        heartbeatSeconds = try positive(root, "heartbeatSeconds", at: "heartbeatSeconds", default: 5, max: 3600)
        repeatSuppressSeconds = number(root, "repeatSuppressSeconds") ?? 5
        guard (0...600).contains(repeatSuppressSeconds) else {
            throw fail("repeatSuppressSeconds", "\(repeatSuppressSeconds) is outside 0...600")
        }
        clockSkewSeconds = number(root, "clockSkewSeconds").map(Int.init) ?? 30
        guard (0...86_400).contains(clockSkewSeconds) else {
            throw fail("clockSkewSeconds", "\(clockSkewSeconds) is outside 0...86400")
        }
        if case .object(let sync) = root["sync"] {
            let kind = string(sync, "kind") ?? ""
            try onlyKeys(sync, kind: kind, at: "sync")
            let target: SyncConfiguration.Target
            switch kind {
            case "directory":
                guard let directory = try path(sync, "directory", at: "sync.directory") else {
                    throw fail("sync", "a directory target needs \"directory\"")
                }
                target = .directory(directory)
            case "http":
                guard let url = string(sync, "url"), let parsed = URL(string: url),
                    parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil
                else { throw fail("sync.url", "an http target needs an http:// or https:// url") }
                target = .http(
                    url: url, timeoutSeconds: try positive(sync, "timeoutSeconds", at: "sync.timeoutSeconds", default: 5, max: 60),
                    keyFile: try path(sync, "keyFile", at: "sync.keyFile"))
            default:
                throw fail("sync.kind", "'\(kind)' is not a sync target (directory, http)")
            }
            self.sync = SyncConfiguration(
                target: target, cursorFile: try path(sync, "cursor", at: "sync.cursor") ?? passLog + ".sync-cursor.json",
                intervalSeconds: try positive(sync, "intervalSeconds", at: "sync.intervalSeconds", default: 5, max: 3600))
        } else {
            sync = nil
        }
        if case .object(let monitor) = root["monitor"] {
            let listen = string(monitor, "listen") ?? ""
            var address = in_addr()
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (1...65_535).contains(port), inet_pton(AF_INET, String(listen[..<colon]), &address) == 1
            else { throw fail("monitor.listen", "'\(listen)' is not IPV4:PORT, e.g. \"127.0.0.1:9108\"") }
            self.monitor = MonitorConfiguration(host: String(listen[..<colon]), port: port)
        } else {
            monitor = nil
        }
        if case .object(let fire) = root["fireEgress"] {
            fireEgress = FireEgressConfiguration(flagFile: try path(fire, "flagFile", at: "fireEgress.flagFile")!)
        } else {
            fireEgress = nil
        }
    }

    /// The key an error message is about: the quoted key of `unknown key "x"` / `missing required
    /// key "x"`, else the last component of the JSON path before the message.
    static func offendingKey(in message: String) -> String? {
        if let range = message.range(of: #"key "[^"]+""#, options: .regularExpression) {
            return String(message[range].dropFirst(5).dropLast())
        }
        let parts = message.components(separatedBy: ": ")
        guard parts.count >= 3 else { return nil }
        let path = parts[1]
        let last = path.split(separator: ".").last.map(String.init) ?? path
        let key = last.split(separator: "[").first.map(String.init) ?? last
        return key.isEmpty ? nil : key
    }

    /// The 1-based line of the first `"key":` in `text`.
    static func line(ofKey key: String, in text: String) -> Int? {
        guard let range = text.range(of: "\"\(key)\"") else { return nil }
        return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    }
}
