import Foundation
import HealthCardFoundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What opens and closes the door. Every implementation throws when it cannot be sure the
/// command reached the device; the station then logs the fault, marks the actuator unhealthy
/// and tries again with the next command (a door that could not be opened stays closed: the
/// relays of gate locks are fail-secure or fail-safe by wiring, never by this program).
public protocol DoorActuator: AnyObject {
    /// For logs: `serial relay /dev/ttyUSB0 channel 1`.
    var name: String { get }
    /// Unlocks the door (energises the relay, posts `open`, runs the open command).
    func open(passage: Int64?) throws
    /// Locks it again.
    func close() throws
    /// After a failure, tries to get the device back without moving the door (a GPIO line is
    /// requested again, inactive); `true` when it did and the actuator is usable again. The station
    /// calls it every second while the actuator is down and the door closed. Default: `false`
    /// (the next door command is the retry).
    func reacquire() throws -> Bool
    /// A check that touches the device without moving the door (`--check`): what was found, or
    /// `nil` when the actuator has no such check. Default: `nil`.
    func check() throws -> String?
}

extension DoorActuator {
    public func reacquire() throws -> Bool { false }
    public func check() throws -> String? { nil }
}

/// A USB serial relay module of the common LC-US / CH340 kind: 9600 baud, four bytes per command,
/// `A0` (start), the channel (1…), the state (`01` on, `00` off) and the sum of the first three
/// bytes modulo 256. Channel 1: open `A0 01 01 A2`, close `A0 01 00 A1`.
///
/// [U] The byte protocol is the one these modules' sellers document (LCUS-1/LCUS-2/LCUS-4
/// data sheets); there is no standard, other modules (HID relays, Modbus boards) speak
/// differently. Whether channel 1 means "door unlocked" depends on the wiring (NO/NC contact).
public final class SerialRelayActuator: DoorActuator {
    let line: SerialLine
    public let channel: Int

    public init(path: String, channel: Int = 1, baud: Int? = 9600) {
        line = SerialLine(path: path, baud: baud)
        self.channel = channel
    }

    public var name: String { "serial relay \(line.path) channel \(channel)" }

    /// The four bytes that switch `channel` on or off.
    public static func command(channel: Int, on: Bool) -> [UInt8] {
        let bytes: [UInt8] = [0xA0, UInt8(channel), on ? 0x01 : 0x00]
        return bytes + [UInt8(bytes.reduce(0) { ($0 + Int($1)) } & 0xFF)]
    }

    public func open(passage: Int64?) throws { try send(on: true) }
    public func close() throws { try send(on: false) }

    private func send(on: Bool) throws {
        if !line.isOpen { try line.open() }
        try line.write(Self.command(channel: channel, on: on))
    }
}

/// An HTTP POST to a door controller or building system: `{"action": "open", "passage": 12,
/// "checkpoint": "G1"}` or `{"action": "close", …}`, `Content-Type: application/json`. Any answer
/// but 2xx within the timeout is a failure.
public final class WebhookActuator: DoorActuator {
    public let url: URL
    public let timeout: Double
    public let checkpoint: String

    public init(url: URL, timeout: Double, checkpoint: String) {
        self.url = url
        self.timeout = timeout
        self.checkpoint = checkpoint
    }

    public var name: String { "webhook \(url.absoluteString)" }

    public func open(passage: Int64?) throws { try post(action: "open", passage: passage) }
    public func close() throws { try post(action: "close", passage: nil) }

    private func post(action: String, passage: Int64?) throws {
        var body: [String: JSONValue] = ["action": .string(action), "checkpoint": .string(checkpoint)]
        if let passage { body["passage"] = .number(Double(passage)) }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        request.httpBody = try encoder.encode(JSONValue.object(body))
        let outcome = try HTTPExchange.perform(request, timeout: timeout)
        guard (200..<300).contains(outcome) else {
            throw HealthCardError.invalidValue("\(name): HTTP \(outcome) for \(action)")
        }
    }
}

/// One synchronous HTTP exchange with a hard deadline (the station loop must not hang on a dead
/// controller).
enum HTTPExchange {
    private final class Result: @unchecked Sendable {
        let lock = NSLock()
        var status: Int?
        var error: String?
    }

    /// The response status.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` for a transport error or a timeout.
    static func perform(_ request: URLRequest, timeout: Double) throws -> Int {
        let result = Result()
        let done = DispatchSemaphore(value: 0)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: request) { _, response, error in
            result.lock.lock()
            result.status = (response as? HTTPURLResponse)?.statusCode
            result.error = error.map { "\($0.localizedDescription)" }
            result.lock.unlock()
            done.signal()
        }
        task.resume()
        guard done.wait(timeout: .now() + timeout + 0.5) == .success else {
            task.cancel()
            throw HealthCardError.invalidValue("\(request.url?.absoluteString ?? "webhook"): no answer within \(timeout) s")
        }
        result.lock.lock()
        defer { result.lock.unlock() }
        if let status = result.status { return status }
        throw HealthCardError.invalidValue(
            "\(request.url?.absoluteString ?? "webhook"): \(result.error ?? "no HTTP response")")
    }
}

/// Runs a program to open and one to close, e.g. libgpiod's `gpioset` for a GPIO line
/// (`["gpioset", "gpiochip0", "17=1"]` / `["gpioset", "gpiochip0", "17=0"]`) or a vendor tool.
/// The program must exit 0 within the timeout; the passage id is in `HCARD_PASSAGE`.
public final class CommandActuator: DoorActuator {
    public let openCommand: [String]
    public let closeCommand: [String]
    public let timeout: Double

    public init(open: [String], close: [String], timeout: Double) {
        openCommand = open
        closeCommand = close
        self.timeout = timeout
    }

    public var name: String { "command \(openCommand.first ?? "")" }

    public func open(passage: Int64?) throws { try run(openCommand, passage: passage) }
    public func close() throws { try run(closeCommand, passage: nil) }

    private func run(_ argv: [String], passage: Int64?) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        var environment = ProcessInfo.processInfo.environment
        environment["HCARD_PASSAGE"] = passage.map(String.init) ?? ""
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw HealthCardError.invalidValue("\(argv.joined(separator: " ")): cannot start (\(errorText(error)))")
        }
        let deadline = ContinuousClock.now + .seconds(timeout)  // monotonic: an interval
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw HealthCardError.invalidValue("\(argv.joined(separator: " ")): still running after \(timeout) s; killed")
        }
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw HealthCardError.invalidValue(
                "\(argv.joined(separator: " ")): exit status \(process.terminationStatus)")
        }
    }
}

/// Drives nothing: says what the door would do (`hcard checkpoint station --dry-run`).
public final class DryRunActuator: DoorActuator {
    public let report: (String) -> Void
    public let wrapped: String

    public init(wrapping name: String, report: @escaping (String) -> Void) {
        wrapped = name
        self.report = report
    }

    public var name: String { "dry run (\(wrapped))" }
    public func open(passage: Int64?) throws { report("DRY RUN: would open the door (\(wrapped))") }
    public func close() throws { report("DRY RUN: would close the door (\(wrapped))") }
}

extension StationConfiguration.ActuatorConfiguration {
    /// The actuator this configuration describes.
    public func makeActuator(checkpoint: String) -> any DoorActuator {
        switch self {
        case .serialRelay(let path, let channel, let baud): SerialRelayActuator(path: path, channel: channel, baud: baud ?? 9600)
        case .webhook(let url, let timeout):
            // Checked when the configuration was read.
            WebhookActuator(url: URL(string: url)!, timeout: timeout, checkpoint: checkpoint)
        case .command(let open, let close, let timeout): CommandActuator(open: open, close: close, timeout: timeout)
        case .gpio(let chip, let line, let activeLow, let consumer):
            GPIOLineActuator(chip: chip, offset: line, activeLow: activeLow, consumer: consumer)
        }
    }
}
