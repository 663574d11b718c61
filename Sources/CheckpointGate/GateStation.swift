import Foundation
import HealthCardFoundation
import HealthQR
import PersonalHealthCode

#if canImport(Glibc)
    import Glibc
#endif

/// The unattended gate: scanners, cameras and a thermometer in, the door out, every passage in
/// the pass log before the door moves (`hcard checkpoint station`, `Docs/station.md`).
///
/// One thread, one loop: `poll(2)` on every scanner and the thermometer (at most 100 ms), then
/// the camera folders, the door's timer, the fire-egress flag, the list files and the heartbeat.
/// One passage at a time, in the order presented, through `CheckpointStation` (decide → record
/// the nonce → log → flush the replay cache → acknowledge). Only then, and only for a pass, the
/// actuator opens the door, and closes it ``StationConfiguration/doorOpenSeconds`` later.
///
/// Deny by default: the door opens for nothing but a logged pass, and for the fire-egress flag.
/// A scanner that cannot be opened or disappears, a silent thermometer (no reading: the policy
/// denies `temperatureMissing`), a list file reloaded invalid (every passage refused with
/// `stationFault`, saying why), a pass log that cannot be written (nothing acknowledged, door
/// closed) and an actuator that fails (logged, door not open) all leave the door closed.
public final class GateStation {
    public let configuration: StationConfiguration
    let actuator: any DoorActuator
    let clock: any WallClock
    let report: (String) -> Void
    let acknowledge: (CheckpointAcknowledgement) -> Void

    private let lists: StationLists
    private var listFingerprint: [String] = []
    private var listFault: String?
    private var station: CheckpointStation?
    private let passLog: PassLog
    private let replayCache: ReplayCacheFile?

    private var lineInputs: [(line: SerialLine, format: StationConfiguration.LineFormat)] = []
    private var frameInputs: [FrameDirectory] = []
    private var frameStreams: [FrameStream] = []
    private var cardInputs: [(reader: CardReaderInput, codeSeconds: Double)] = []
    /// A card read while the policy wants a code: it waits here for a health code until `until`.
    private var pendingCard: (cardNumber: String, idNumber: String, until: Date, source: String)?
    private var thermometer: SerialThermometer?
    private var health: [String: String] = [:]
    private var nextReopen = Date.distantPast

    private var doorClosesAt: Date?
    private var fireHeld = false
    private var recent: [String: Date] = [:]
    private var nextHeartbeat = Date.distantPast
    private var nextListCheck = Date.distantPast
    private let started: Date
    private var counts = (passed: 0, denied: 0, unlogged: 0)
    private var lastScan: [String: JSONValue]?
    private var sync: PassageSync?
    private var monitor: MonitorEndpoint?

    /// Opens the pass log and the replay cache and loads the lists.
    ///
    /// - Parameters:
    ///   - configuration: what to run with (``StationConfiguration``).
    ///   - actuator: the door (``StationConfiguration/ActuatorConfiguration/makeActuator(checkpoint:)``,
    ///     or a ``DryRunActuator``).
    ///   - clock: the time of each passage; `SystemClock` unless a test fixes it.
    ///   - report: one line per event for the operator (device faults, reloads, door moves).
    ///   - acknowledge: each logged passage, after it is durable.
    /// - Throws: when the pass log or replay cache cannot be opened, or the lists are invalid at
    ///   start (a gate that starts without valid lists is misconfigured, not degraded).
    public init(
        configuration: StationConfiguration, actuator: any DoorActuator, clock: any WallClock = SystemClock(),
        report: @escaping (String) -> Void, acknowledge: @escaping (CheckpointAcknowledgement) -> Void
    ) throws {
        self.configuration = configuration
        self.actuator = actuator
        self.clock = clock
        self.report = report
        self.acknowledge = acknowledge
        started = clock.now()
        lists = StationLists(configuration)
        passLog = try PassLog(path: configuration.passLog)
        replayCache = try configuration.replayCache.map {
            try ReplayCacheFile(path: $0, now: Int64(clock.now().timeIntervalSince1970.rounded(.down)))
        }
        listFingerprint = lists.fingerprint()
        try install(lists.load())
        for input in configuration.inputs {
            switch input {
            case .lines(let path, let format, let baud): lineInputs.append((SerialLine(path: path, baud: baud), format))
            case .frames(let directory, let width, let height, let maxPixels):
                frameInputs.append(FrameDirectory(directory: directory, greyWidth: width, greyHeight: height, maxPixels: maxPixels))
            case .frameStream(let path, let width, let height):
                frameStreams.append(FrameStream(path: path, width: width, height: height))
            case .card(let card):
                // Checked when the configuration was read: hex digits.
                let pin = card.samPIN.map { try! Hex.decode($0) }
                let reader = CardReaderInput(
                    reader: card.reader, samReader: card.samReader, samPIN: pin, readTimeout: .seconds(card.readTimeoutSeconds))
                cardInputs.append((reader, card.codeSeconds))
            }
        }
        thermometer = try configuration.thermometer.map(SerialThermometer.init)
        sync = try configuration.sync.map { sync in
            let target: any PassageUploadTarget =
                switch sync.target {
                case .directory(let directory): DirectoryUploadTarget(directory: directory)
                // The url was checked when the configuration was read.
                case .http(let url, let timeout, let keyFile):
                    HTTPUploadTarget(
                        url: URL(string: url)!, timeout: timeout, apiKey: try keyFile.map(HTTPUploadTarget.apiKey(fromFile:)))
                }
            return PassageSync(
                target: target, cursorFile: sync.cursorFile, checkpoint: configuration.site.id,
                passLog: configuration.passLog, interval: sync.intervalSeconds)
        }
        if let sync { _ = try sync.uploadedID() }
        monitor = try configuration.monitor.map { try MonitorEndpoint(host: $0.host, port: $0.port) }
        health["actuator"] = "ok (not yet used)"
        health["passLog"] = "ok"
    }

    private func install(_ loaded: StationLists.Loaded) {
        let decider = CheckpointDecider(
            policy: loaded.policy, trustList: loaded.trust, revocations: loaded.revocations,
            clockSkew: .seconds(configuration.clockSkewSeconds), seenNonces: replayCache?.cache)
        station = CheckpointStation(site: configuration.site, decider: decider, passLog: passLog, replayCache: replayCache)
        listFault = nil
        health["lists"] = "ok (\(loaded.trust.entries.count) trusted keys, \(loaded.revocations.cardIDs.count) revoked or blacklisted cards)"
    }

    /// Runs until `stopDescriptor` becomes readable (``StationStopSignal``) or, without one, forever.
    /// Closes the door, writes the replay cache and the state a last time, and returns.
    public func run(stopDescriptor: Int32? = nil) throws {
        report("station \(configuration.site.id) (\(configuration.direction)) running: \(lineInputs.count) line input(s), "
            + "\(frameInputs.count) frame folder(s), \(frameStreams.count) frame stream(s), \(cardInputs.count) card reader(s), thermometer \(thermometer == nil ? "none" : thermometer!.line.path), door \(actuator.name)")
        closeDoor(reason: "start: the door starts closed")
        sync?.start()
        defer { sync?.stop() }
        for card in cardInputs { card.reader.start() }
        defer { for card in cardInputs { card.reader.stop() } }
        while true {
            let now = clock.now()
            reopenDevices(now: now)
            var descriptors = lineInputs.map { pollfd(fd: $0.line.descriptor, events: Int16(POLLIN), revents: 0) }
            if let thermometer { descriptors.append(pollfd(fd: thermometer.line.descriptor, events: Int16(POLLIN), revents: 0)) }
            descriptors += frameStreams.filter(\.isOpen).map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            descriptors += cardInputs.map { pollfd(fd: $0.reader.descriptor, events: Int16(POLLIN), revents: 0) }
            if let monitor { descriptors.append(pollfd(fd: monitor.descriptor, events: Int16(POLLIN), revents: 0)) }
            if let stopDescriptor { descriptors.append(pollfd(fd: stopDescriptor, events: Int16(POLLIN), revents: 0)) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 100)
            if let stopDescriptor, descriptors.last!.fd == stopDescriptor, descriptors.last!.revents != 0 { break }
            step()
        }
        closeDoor(reason: "stopping")
        try station?.finish()
        writeStatus(now: clock.now(), stopping: true)
        report("station \(configuration.site.id) stopped: \(counts.passed) passed, \(counts.denied) denied")
    }

    /// One round: thermometer, scanners, camera folders, door timer, fire flag, lists, heartbeat.
    func step() {
        let now = clock.now()
        if let thermometer, thermometer.line.isOpen {
            do {
                // A new measurement is a new presentation: the same code shown again after it is
                // decided again (a person denied for a missing reading measures and rescans).
                if try thermometer.poll(now: now) { recent.removeAll() }
                health["thermometer"] = "ok (last line: \(thermometer.lastLine ?? "none yet"), \(thermometer.unmatchedLines) unmatched)"
            } catch {
                fault("thermometer", errorText(error))
            }
        }
        checkLists(now: now)
        for (index, input) in lineInputs.enumerated() where input.line.isOpen {
            do {
                for text in try input.line.readLines() { presentLine(text, format: input.format, input: index) }
            } catch {
                fault("input \(input.line.path)", errorText(error))
            }
        }
        for frames in frameInputs {
            do {
                for finding in try frames.poll() {
                    switch finding {
                    case .credential(let credential, let text, let frame):
                        present(credential, text: text, temperature: nil, source: "frame \(frame)")
                    case .unreadable(let frame, let reason):
                        report("frame \(frame) unreadable, ignored: \(reason)")
                    }
                }
                health["frames \(frames.directory)"] = "ok"
            } catch {
                fault("frames \(frames.directory)", errorText(error))
            }
        }
        for stream in frameStreams where stream.isOpen { pollFrames(stream) }
        for card in cardInputs {
            health["card reader \(card.reader.reader)"] = card.reader.health
            for outcome in card.reader.take() { presentCard(outcome, codeSeconds: card.codeSeconds, now: now) }
        }
        if let pending = pendingCard, now >= pending.until {
            // No code came: the card alone is decided (and, where a code is required, denied).
            pendingCard = nil
            present(
                .residentCard(cardNumber: pending.cardNumber, idNumber: pending.idNumber, healthCode: nil), text: nil,
                temperature: nil, source: pending.source)
        }
        monitor?.serve { path in self.monitorAnswer(path) }
        updateFireEgress()
        if !fireHeld, let closesAt = doorClosesAt, clock.now() >= closesAt { closeDoor(reason: "open time over") }
        if now >= nextHeartbeat {
            writeStatus(now: now, stopping: false)
            nextHeartbeat = now.addingTimeInterval(configuration.heartbeatSeconds)
        }
    }

    /// One round of a camera stream: the newest frame decoded, a short final frame reported, the
    /// end of the stream marked in the health.
    private func pollFrames(_ stream: FrameStream) {
        let device = "frame stream \(stream.label)"
        do {
            let (findings, end) = try stream.poll()
            for finding in findings {
                switch finding {
                case .credential(let credential, let key, let frame):
                    present(credential, text: key, temperature: nil, source: frame)
                case .unreadable(let frame, let reason):
                    report("\(frame) unreadable, ignored: \(reason)")
                case .shortFinalFrame(let bytes):
                    report("\(device): the stream ended in the middle of a frame (\(bytes) of \(stream.frameSize) bytes), dropped")
                }
            }
            switch end {
            case .afterData?:
                fault(device, "the writer closed the stream (camera program stopped?)\(stream.finished ? "" : "; waiting for the next writer")")
            case .noWriter?:
                if health[device] == nil { health[device] = "ok (waiting for a writer)" }
            case nil:
                health[device] = "ok (\(stream.decoded) frames decoded, \(stream.skipped) skipped for a newer one)"
            }
        } catch {
            fault(device, errorText(error))
        }
    }

    // MARK: Passages

    /// A JSON scan line: `{"text": "HCC1-…", "id": "…", "temperature": 36.5}`, every key optional,
    /// no other key.
    static let jsonLine = JSONShape.object(["text": .string, "id": .string, "temperature": .number])

    private func presentLine(_ text: String, format: StationConfiguration.LineFormat, input: Int) {
        let source = "input \(lineInputs[input].line.path)"
        switch format {
        case .text:
            present(Credential(scanned: text.trimmingCharacters(in: .whitespaces)), text: text, temperature: nil, source: source)
        case .json:
            do {
                guard case .object(let line) = try Self.jsonLine.check(json: Array(text.utf8), source: "scan line") else {
                    throw HealthCardError.malformed("scan line: not a JSON object")
                }
                var scanned: String?
                var id: String?
                var temperature: Double?
                if case .string(let value) = line["text"] { scanned = value }
                if case .string(let value) = line["id"] { id = value }
                if case .number(let value) = line["temperature"] { temperature = value }
                guard scanned != nil || id != nil else { throw HealthCardError.malformed("scan line: neither text nor id") }
                let credential = Credential(presented: scanned, idNumber: id)
                present(credential, text: text, temperature: temperature, source: source)
            } catch {
                // A garbled line is no passage: nobody can be named, and the door stays closed.
                report("\(source): not a scan line, ignored (door stays closed): \(errorText(error))")
            }
        }
    }

    /// A card reader's outcome: a card that could not be read is logged as an `unreadable` denial
    /// (the door stays closed); a card read while the policy wants a code waits `codeSeconds`
    /// for one, unless its own decision already denies it (a revoked or blacklisted card is
    /// turned away at once).
    private func presentCard(_ outcome: CardReaderInput.Outcome, codeSeconds: Double, now: Date) {
        let source = "card reader"
        switch outcome {
        case .failed(let reason):
            present(.unreadable(reason: reason), text: nil, temperature: nil, source: source)
        case .card(let cardNumber, let idNumber):
            let alone = Credential.residentCard(cardNumber: cardNumber, idNumber: idNumber, healthCode: nil)
            if let pending = pendingCard {
                // A second card before the first one's code: the first is decided alone.
                pendingCard = nil
                present(
                    .residentCard(cardNumber: pending.cardNumber, idNumber: pending.idNumber, healthCode: nil), text: nil,
                    temperature: nil, source: pending.source)
            }
            if codeSeconds > 0, listFault == nil, let station {
                let reasons = station.decider.decide(alone, temperature: nil, now: now).reasons
                let waitsForCode =
                    reasons.contains(.codeRequired) && reasons.allSatisfy { [DenialReason.codeRequired, .temperatureMissing].contains($0) }
                if waitsForCode {
                    pendingCard = (cardNumber, idNumber, now.addingTimeInterval(codeSeconds), source)
                    report("card read (holder \((try? PersonID(idNumber))?.masked ?? "?")): show the health code within \(codeSeconds) s")
                    return
                }
            }
            present(alone, text: nil, temperature: nil, source: source)
        }
    }

    /// Decides and logs one presentation, then opens the door for a pass. `text` is what the
    /// repeat suppression compares (`nil`: none, a card reader reads each card once). A health
    /// code shown while a card waits for one is decided with the card.
    private func present(_ credential: Credential, text: String?, temperature scanTemperature: Double?, source: String) {
        let now = clock.now()
        var credential = credential
        var source = source
        if let pending = pendingCard, case .healthCode(let code, presentedBy: nil) = credential {
            pendingCard = nil
            credential = .residentCard(cardNumber: pending.cardNumber, idNumber: pending.idNumber, healthCode: code)
            source = "\(pending.source) + \(source)"
        }
        recent = recent.filter { now.timeIntervalSince($0.value) < configuration.repeatSuppressSeconds }
        if let text {
            if configuration.repeatSuppressSeconds > 0, recent[text] != nil {
                // Still the same presentation: the window runs from the last sighting, so a code
                // held in front of a camera for longer is not a second passage.
                recent[text] = now
                return
            }
            recent[text] = now
        }
        // A read that failed is no presentation of a person: the reading stays for the retry.
        let temperature = scanTemperature ?? (credential.kind == .unreadable ? nil : thermometer?.take(at: now))
        guard let station else { return }
        let passage: LoggedPassage
        do {
            if let listFault {
                passage = try station.refuse(
                    credential, fault: listFault, temperature: temperature, direction: configuration.direction, plate: nil, at: now)
            } else {
                passage = try station.scan(credential, temperature: temperature, direction: configuration.direction, plate: nil, at: now)
            }
            health["passLog"] = "ok"
        } catch {
            counts.unlogged += 1
            fault("passLog", errorText(error))
            report("NOT LOGGED (\(source)): \(errorText(error)); nothing acknowledged, door stays closed")
            return
        }
        let ack = passage.acknowledgement(fullIDs: false)
        acknowledge(ack)
        lastScan = [
            "time": .string(ack.time), "id": .number(Double(ack.id)), "decision": .string(ack.decision),
            "reasons": .array(ack.reasons.map { .string($0.code) }), "source": .string(source),
        ]
        if passage.passes {
            counts.passed += 1
            openDoor(passage: passage.id)
        } else {
            counts.denied += 1
        }
        writeStatus(now: now, stopping: false)
    }

    // MARK: Door

    private func openDoor(passage: Int64?) {
        do {
            try actuator.open(passage: passage)
            health["actuator"] = "ok"
            doorClosesAt = clock.now().addingTimeInterval(configuration.doorOpenSeconds)
            report("door open (\(passage.map { "passage #\($0)" } ?? "fire egress")) for \(configuration.doorOpenSeconds) s")
        } catch {
            fault("actuator", errorText(error))
            report("door NOT opened for \(passage.map { "passage #\($0)" } ?? "fire egress"): \(errorText(error))")
        }
    }

    private func closeDoor(reason: String) {
        do {
            try actuator.close()
            health["actuator"] = "ok"
            if doorClosesAt != nil { report("door closed (\(reason))") }
            doorClosesAt = nil
        } catch {
            // Retried on the next round while a close is due.
            fault("actuator", errorText(error))
            doorClosesAt = doorClosesAt.map { _ in clock.now().addingTimeInterval(1) }
        }
    }

    /// The only exception to deny-by-default: while the flag file exists the door is held open.
    private func updateFireEgress() {
        guard let flag = configuration.fireEgress?.flagFile else { return }
        let raised = access(flag, F_OK) == 0
        if raised && !fireHeld {
            fireHeld = true
            report("FIRE EGRESS: \(flag) present, door held open until it is removed")
            openDoor(passage: nil)
        } else if !raised && fireHeld {
            fireHeld = false
            report("fire egress over: \(flag) removed")
            closeDoor(reason: "fire egress over")
        }
    }

    // MARK: Devices, lists, status

    private func fault(_ device: String, _ reason: String) {
        let text = "down: \(reason)"
        if health[device] != text { report("\(device) \(text)") }
        health[device] = text
    }

    private func reopenDevices(now: Date) {
        guard now >= nextReopen else { return }
        nextReopen = now.addingTimeInterval(1)
        for input in lineInputs where !input.line.isOpen {
            do {
                try input.line.open()
                health["input \(input.line.path)"] = "ok"
                report("input \(input.line.path) open")
            } catch {
                fault("input \(input.line.path)", errorText(error))
            }
        }
        if health["actuator"]?.hasPrefix("down") == true, doorClosesAt == nil, !fireHeld {
            // A GPIO line lost (chip gone, line taken): requested again, inactive, while the door is closed.
            do {
                if try actuator.reacquire() {
                    health["actuator"] = "ok"
                    report("\(actuator.name) ok again (door closed)")
                }
            } catch {
                fault("actuator", errorText(error))
            }
        }
        for stream in frameStreams where !stream.isOpen && !stream.finished {
            do {
                try stream.open()
            } catch {
                fault("frame stream \(stream.label)", errorText(error))
            }
        }
        if let thermometer, !thermometer.line.isOpen {
            do {
                try thermometer.line.open()
                health["thermometer"] = "ok (open)"
            } catch {
                fault("thermometer", errorText(error))
            }
        }
    }

    private func checkLists(now: Date) {
        guard now >= nextListCheck else { return }
        nextListCheck = now.addingTimeInterval(1)
        let fingerprint = lists.fingerprint()
        guard fingerprint != listFingerprint else { return }
        listFingerprint = fingerprint
        do {
            install(try lists.load())
            report("lists reloaded: \(health["lists"] ?? "")")
        } catch {
            listFault = "a list file is invalid after a change: \(errorText(error))"
            health["lists"] = "invalid, refusing every passage: \(errorText(error))"
            report("LISTS INVALID, refusing every passage until fixed: \(errorText(error))")
        }
    }

    /// The monitoring endpoint's answer for `path`.
    private func monitorAnswer(_ path: String) -> (status: Int, type: String, body: [UInt8]) {
        switch path {
        case "/state":
            return (200, "application/json", Self.json(state(now: clock.now(), stopping: false)) + [0x0A])
        case "/healthz":
            let down = health.filter { !$0.value.hasPrefix("ok") }.keys.sorted()
            return down.isEmpty
                ? (200, "text/plain", Array("ok\n".utf8))
                : (503, "text/plain", Array(down.map { "\($0): \(health[$0] ?? "")\n" }.joined().utf8))
        default:
            return (404, "text/plain", Array("GET /state or /healthz\n".utf8))
        }
    }

    private func writeStatus(now: Date, stopping: Bool) {
        let time = JSONValue.string(ISO8601Instant.format(now))
        if let heartbeat = configuration.heartbeatFile {
            let beat: JSONValue = .object(["time": time, "pid": .number(Double(getpid())), "checkpoint": .string(configuration.site.id)])
            try? AtomicFile.write(Self.json(beat) + [0x0A], to: heartbeat)
        }
        if let sync { health["sync"] = sync.status }
        guard let stateFile = configuration.stateFile else { return }
        do {
            try AtomicFile.write(Self.json(state(now: now, stopping: stopping)) + [0x0A], to: stateFile)
        } catch {
            fault("state", errorText(error))
        }
    }

    /// The station's state: what the state file and `GET /state` hold.
    private func state(now: Date, stopping: Bool) -> JSONValue {
        let time = JSONValue.string(ISO8601Instant.format(now))
        let door = fireHeld ? "held open (fire egress)" : (doorClosesAt == nil ? "closed" : "open")
        return .object([
            "checkpoint": .string(configuration.site.id), "direction": .string(configuration.direction.rawValue),
            "time": time, "started": .string(ISO8601Instant.format(started)),
            "running": .bool(!stopping), "door": .string(door), "lastScan": lastScan.map(JSONValue.object) ?? .null,
            "devices": .object(health.mapValues(JSONValue.string)),
            "counts": .object([
                "passed": .number(Double(counts.passed)), "denied": .number(Double(counts.denied)),
                "notLogged": .number(Double(counts.unlogged)),
            ]),
        ])
    }

    static func json(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(value))) ?? []
    }
}

/// SIGTERM and SIGINT as a readable descriptor for ``GateStation/run(stopDescriptor:)``: the
/// station finishes the passage in hand, closes the door and writes its files before returning.
public final class StationStopSignal {
    /// Readable once a signal arrived.
    public let descriptor: Int32
    private let writeEnd: Int32
    private let sources: [any DispatchSourceSignal]

    public init() {
        var ends: [Int32] = [0, 0]
        _ = pipe(&ends)
        descriptor = ends[0]
        writeEnd = ends[1]
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let end = ends[1]
            source.setEventHandler {
                var byte: UInt8 = 1
                _ = write(end, &byte, 1)
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }
}
