import Foundation
import HealthCardFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// A byte line to a device: a tty or serial device (put in raw mode, at `baud` if given), or a
/// FIFO. Reads never block (the station polls every descriptor in one loop); received bytes are
/// cut into lines at CR or LF, as keyboard-wedge and serial scanners and thermometers end them.
///
/// A FIFO is opened read-write, so that the station holds a writer itself and a scanner program
/// that closes its end does not make every further read an end of file.
///
/// No C library: POSIX `open`/`read`/`write` and termios through Glibc.
final class SerialLine {
    /// The speeds a configuration may name.
    static let supportedBauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]

    let path: String
    let baud: Int?
    private(set) var descriptor: Int32 = -1
    private var pending: [UInt8] = []
    /// Lines longer than this are cut off: a stuck key or line noise must not grow memory.
    static let maximumLine = 4096

    init(path: String, baud: Int?) {
        self.path = path
        self.baud = baud
    }

    deinit { close() }

    var isOpen: Bool { descriptor >= 0 }

    /// Opens the device.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the path and the system's reason.
    func open() throws {
        close()
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw HealthCardError.invalidValue("\(path): cannot open (\(String(cString: strerror(errno))))") }
        if isatty(fd) == 1 {
            var settings = termios()
            guard tcgetattr(fd, &settings) == 0 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw HealthCardError.invalidValue("\(path): not a usable tty (\(reason))")
            }
            cfmakeraw(&settings)
            if let baud { cfsetspeed(&settings, Self.speed(baud)) }
            settings.c_cflag |= tcflag_t(CLOCAL | CREAD)
            guard tcsetattr(fd, TCSANOW, &settings) == 0 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw HealthCardError.invalidValue("\(path): cannot set raw mode (\(reason))")
            }
        }
        descriptor = fd
        pending = []
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// The complete lines received since the last call (without their line ends; empty lines are
    /// dropped).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` when the device is gone (end of file on a
    ///   tty, an I/O error); the line is then closed.
    func readLines() throws -> [String] {
        guard descriptor >= 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                pending += buffer[0..<count]
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { break }
            let reason = count == 0 ? "end of file" : String(cString: strerror(errno))
            close()
            throw HealthCardError.invalidValue("\(path): \(reason)")
        }
        var lines: [String] = []
        while let end = pending.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
            let line = Array(pending[..<end])
            pending.removeSubrange(...end)
            if !line.isEmpty { lines.append(String(decoding: line, as: UTF8.self)) }
        }
        if pending.count > Self.maximumLine { pending.removeAll() }
        return lines
    }

    /// Writes all of `bytes` and waits until the device has sent them.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the path (unplugged, not open).
    func write(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw HealthCardError.invalidValue("\(path): not open") }
        var offset = 0
        var attempts = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) && attempts < 100 {
                attempts += 1
                usleep(10_000)
            } else {
                let reason = written < 0 ? String(cString: strerror(errno)) : "nothing written"
                close()
                throw HealthCardError.invalidValue("\(path): write failed (\(reason))")
            }
        }
        if isatty(descriptor) == 1 { _ = tcdrain(descriptor) }
    }

    static func speed(_ baud: Int) -> speed_t {
        switch baud {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115200: speed_t(B115200)
        default: speed_t(B9600)
        }
    }
}
