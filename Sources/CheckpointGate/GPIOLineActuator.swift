import CheckpointGateGPIO
import Foundation
import HealthCardFoundation

/// A door lock (or its relay driver) wired to a GPIO line of a Linux board, driven through the
/// kernel's GPIO character device with libgpiod (`GPIOOutputLine` of `CheckpointGateGPIO`, Debian's `libgpiod-dev`).
///
/// The line is requested as an output when the station starts (the door starts closed: the line
/// inactive) and held for the station's life, so no other program can drive it. `open` sets it
/// active, `close` inactive; `activeLow` inverts the levels for locks wired to a low-active input.
/// A chip that is missing, a line another consumer holds, or a value the kernel refuses is an
/// error naming the chip and the line: the door stays closed, the station marks the actuator down
/// and requests the line again each second while the door is closed (``reacquire()``), and at the
/// next command.
public final class GPIOLineActuator: DoorActuator {
    public let line: GPIOOutputLine

    public init(chip: String, offset: Int, activeLow: Bool, consumer: String) {
        line = GPIOOutputLine(chip: chip, offset: offset, activeLow: activeLow, consumer: consumer)
    }

    public var name: String { line.name }

    public func open(passage: Int64?) throws { try line.set(active: true) }
    public func close() throws { try line.set(active: false) }

    /// Requests the line again (inactive: the door closed) after a failure.
    public func reacquire() throws -> Bool {
        guard !line.isRequested else { return false }
        try line.set(active: false)
        return true
    }

    /// Reads the line's information without requesting it: the chip must exist and be a GPIO
    /// chip, the line must exist and be free (or held under this station's own consumer label,
    /// by a station already running).
    public func check() throws -> String? {
        let info = try line.inspect()
        let chip = "chip \(info.chipName) '\(info.chipLabel)', \(info.lineCount) lines"
        let label = info.lineName.map { " '\($0)'" } ?? ""
        guard info.isUsed else { return "\(name)\(label) is free (\(chip))" }
        guard info.consumer == line.consumer else {
            throw HealthCardError.invalidValue(
                "\(name)\(label): in use by \(info.consumer.map { "'\($0)'" } ?? "the kernel") (\(chip))")
        }
        return "\(name)\(label) is held by '\(line.consumer)', this configuration's consumer (a station running?) (\(chip))"
    }
}
