import CGPIOD
import Foundation
import HealthCardFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// One GPIO line of a Linux GPIO chip, held as an output through the kernel's GPIO character
/// device (`/dev/gpiochipN`) with libgpiod 1.6 (Debian 12's `libgpiod-dev`, the v1 API:
/// `gpiod_chip_open`, `gpiod_chip_get_line`, `gpiod_line_request_output_flags`,
/// `gpiod_line_set_value`, `gpiod_line_release`, `gpiod_chip_close`).
///
/// The line is requested once and held (the kernel refuses it to every other consumer while it
/// is: a second program cannot flip the door), until ``release()`` or the object goes away.
/// Values are *logical*: `active` is high, or low for an active-low line (the kernel inverts,
/// `GPIOHANDLE_REQUEST_ACTIVE_LOW`). Every failure names the chip and the line.
///
/// Not thread-safe: one owner (the gate station's loop) drives it.
public final class GPIOOutputLine {
    /// `/dev/gpiochip0` (a path) or `gpiochip0` (a name under `/dev`).
    public let chip: String
    /// The line's offset on the chip.
    public let offset: Int
    /// The line is active when low (the kernel inverts every value).
    public let activeLow: Bool
    /// The consumer label the kernel shows for the held line (`gpioinfo`), at most 31 bytes.
    public let consumer: String

    private var chipHandle: OpaquePointer?
    private var line: OpaquePointer?

    /// The longest consumer label the kernel keeps (`GPIO_MAX_NAME_SIZE` 32, with its NUL).
    public static let maximumConsumerLength = 31

    /// A line not yet requested (``request(active:)`` or ``set(active:)`` requests it).
    ///
    /// - Parameters:
    ///   - chip: `/dev/gpiochip0` (a path) or `gpiochip0` (a name under `/dev`).
    ///   - offset: the line's offset on the chip.
    ///   - activeLow: whether the line is active when low.
    ///   - consumer: the label the kernel shows for the held line, at most 31 bytes.
    public init(chip: String, offset: Int, activeLow: Bool, consumer: String) {
        self.chip = chip
        self.offset = offset
        self.activeLow = activeLow
        self.consumer = consumer
    }

    deinit { release() }

    /// For messages: `GPIO /dev/gpiochip0 line 17 (active-low)`.
    public var name: String { "GPIO \(chip) line \(offset)\(activeLow ? " (active-low)" : "")" }

    /// Whether the line is held.
    public var isRequested: Bool { line != nil }

    /// Requests the line as an output (if not already held).
    ///
    /// - Parameter active: the logical level it starts at (`false`: inactive, the door closed).
    /// - Throws: `HealthCardError/Code/invalidValue` naming the chip and line: no such chip, not a
    ///   GPIO chip, no such line, the line in use by another consumer (named), or refused.
    public func request(active: Bool) throws {
        guard line == nil else { return }
        let handle = try openChip()
        guard let found = gpiod_chip_get_line(handle, UInt32(clamping: offset)) else {
            let reason = Self.systemError()
            let count = gpiod_chip_num_lines(handle)
            gpiod_chip_close(handle)
            throw failure("no such line (the chip has \(count) lines: \(reason))")
        }
        let flags = activeLow ? Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) : 0
        guard gpiod_line_request_output_flags(found, consumer, flags, active ? 1 : 0) == 0 else {
            let code = errno
            let user = gpiod_line_consumer(found).map { String(cString: $0) }
            gpiod_chip_close(handle)
            let busy = code == EBUSY ? ", in use by \(user.map { "'\($0)'" } ?? "another consumer")" : ""
            throw failure("cannot request it as an output (\(String(cString: strerror(code)))\(busy))")
        }
        chipHandle = handle
        line = found
    }

    /// Drives the line active or inactive, requesting it first if it is not held. On a failure the
    /// line is released, so the next call requests it afresh (a chip that went away and came back).
    ///
    /// - Parameter active: `true` for the active level (high, or low when ``activeLow``).
    /// - Throws: `HealthCardError/Code/invalidValue` naming the chip and line.
    public func set(active: Bool) throws {
        try request(active: active)
        guard let line else { return }
        if gpiod_line_set_value(line, active ? 1 : 0) != 0 {
            let reason = Self.systemError()
            release()
            throw failure("cannot set it \(active ? "active" : "inactive") (\(reason)); line released")
        }
    }

    /// Gives the line back to the kernel and closes the chip.
    public func release() {
        if let line { gpiod_line_release(line) }
        if let chipHandle { gpiod_chip_close(chipHandle) }
        line = nil
        chipHandle = nil
    }

    /// What the kernel says about a line, without requesting it (`--check`).
    public struct LineInfo: Sendable, Hashable {
        /// The chip's kernel name (`gpiochip0`) and label (`pinctrl-bcm2711`).
        public var chipName: String
        public var chipLabel: String
        public var lineCount: Int
        /// The line's name, if the board names it.
        public var lineName: String?
        /// Who holds the line (`nil`: nobody).
        public var consumer: String?
        public var isUsed: Bool
    }

    /// Opens the chip and reads the line's information.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the chip and line.
    public func inspect() throws -> LineInfo {
        let handle = try openChip()
        defer { gpiod_chip_close(handle) }
        let count = Int(gpiod_chip_num_lines(handle))
        guard offset < count, let found = gpiod_chip_get_line(handle, UInt32(clamping: offset)) else {
            throw failure("no such line (the chip has \(count) lines)")
        }
        return LineInfo(
            chipName: String(cString: gpiod_chip_name(handle)), chipLabel: String(cString: gpiod_chip_label(handle)),
            lineCount: count, lineName: gpiod_line_name(found).map { String(cString: $0) },
            consumer: gpiod_line_consumer(found).map { String(cString: $0) }, isUsed: gpiod_line_is_used(found))
    }

    private func openChip() throws -> OpaquePointer {
        // A path is opened as given; a bare name (`gpiochip0`) under /dev (gpiod_chip_open_by_name).
        let handle = chip.contains("/") ? gpiod_chip_open(chip) : gpiod_chip_open_by_name(chip)
        guard let handle else {
            throw failure("cannot open the chip (\(Self.systemError()))")
        }
        return handle
    }

    private func failure(_ message: String) -> HealthCardError {
        HealthCardError.invalidValue("\(name): \(message)")
    }

    private static func systemError() -> String {
        let code = errno
        // libgpiod sets ENOTTY for a file that is not a GPIO chip (is_gpiochip_cdev).
        return code == ENOTTY ? "not a GPIO character device" : String(cString: strerror(code))
    }
}
