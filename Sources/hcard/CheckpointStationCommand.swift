import ArgumentParser
import Foundation
import HealthCardCore

extension CheckpointCommand {
    /// `hcard checkpoint station`: parse the options, start ``GateStation``, print its lines.
    struct Station: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an unattended gate: scanners, cameras, card readers and a thermometer in, the door out, every passage logged.",
            discussion: """
                Configured by one JSON file (Docs/station.md, example \
                Fixtures/station/station.json): the checkpoint, direction, policy, trust, \
                revocation and blacklist files, the pass log, inputs (lines from a tty, serial \
                scanner or FIFO; camera frames from a folder, or as a raw grey stream on a FIFO or standard input; resident health cards in a PC/SC reader), a serial thermometer, the door actuator \
                (serialRelay, webhook, command, or a GPIO line through the Linux GPIO character device), the door's open time, heartbeat and state files, \
                an optional fire-egress flag file, and where passages are uploaded (sync: a folder \
                or an HTTP platform; the pass log is the queue, nothing lost or duplicated). Unknown keys are errors naming the key and line.

                Deny by default: the door opens only for a passage that passed and is in the pass \
                log, and while the fire-egress flag file exists. Lists are reloaded when their files \
                change; an invalid reload refuses every passage (stationFault) until fixed.

                Prints one acknowledgement line per passage on standard output ("PASS #id …" / \
                "DENY #id …") and device events on standard error. SIGTERM or SIGINT stops it: the \
                door is closed and the state written. --check reads the configuration and the \
                lists, checks a GPIO door's chip and line without moving it, and exits; --dry-run drives no door and prints what it would do; --test-door \
                opens the door, waits the open time and closes it.

                Examples:
                  hcard checkpoint station --config /etc/hcard/gate-east.json
                  hcard checkpoint station --config gate.json --dry-run
                  hcard checkpoint station --config gate.json --check
                  hcard checkpoint station --config gate.json --test-door
                """)

        @Option(help: "The station configuration file (JSON).")
        var config: String
        @Flag(help: "Drive no door: print what it would do.")
        var dryRun = false
        @Flag(help: "Check the configuration and the lists, then exit.")
        var check = false
        @Flag(help: "Open the door, wait the open time, close it, and exit (a site engineer's wiring check).")
        var testDoor = false
        @Flag(help: "Print JSON acknowledgements (one compact object per line).")
        var json = false

        func run() throws {
            let configuration = try StationConfiguration(contentsOf: config)
            let report: (String) -> Void = { printError($0) }
            let door =
                dryRun
                ? DryRunActuator(wrapping: "\(configuration.actuator)", report: report)
                : configuration.actuator.makeActuator(checkpoint: configuration.site.id)
            if testDoor {
                try door.open(passage: nil)
                print("door opened (\(door.name)); closing in \(configuration.doorOpenSeconds) s")
                Thread.sleep(forTimeInterval: configuration.doorOpenSeconds)
                try door.close()
                return print("door closed (\(door.name))")
            }
            if check {
                _ = try GateStation(configuration: configuration, actuator: DryRunActuator(wrapping: door.name) { _ in }, report: { _ in }, acknowledge: { _ in })
                if let found = try door.check() { print("door: \(found)") }
                return print("\(config): ok (checkpoint \(configuration.site.id), \(configuration.inputs.count) input(s), door \(door.name))")
            }
            let stop = StationStopSignal()
            let station = try GateStation(
                configuration: configuration, actuator: door, report: report,
                acknowledge: { ack in try? writeLine(json ? (try? compactJSON(ack)) ?? ack.line : ack.line) })
            try station.run(stopDescriptor: stop.descriptor)
        }
    }
}
