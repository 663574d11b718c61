import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair standing in for a serial device (scanner, thermometer, relay): the
/// program under test opens ``devicePath`` (the slave) as it would `/dev/ttyUSB0`; the test plays
/// the device on the master side, writing what the device would send and reading what it receives.
///
/// The test keeps the slave open too (in raw mode, no echo), so the master side never sees an
/// I/O error while the program has not opened the device yet.
public final class PseudoTerminal {
    public private(set) var master: Int32
    private let slave: Int32
    /// The slave's path, `/dev/pts/N`.
    public let devicePath: String

    public init() throws {
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var name = [CChar](repeating: 0, count: 128)
        guard master >= 0, Self.unlockpt(master) == 0, Self.ptsname_r(master, &name, name.count) == 0 else {
            throw POSIXError(.ENODEV)
        }
        devicePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        slave = open(devicePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.ENODEV) }
        var settings = termios()
        tcgetattr(slave, &settings)
        cfmakeraw(&settings)
        tcsetattr(slave, TCSANOW, &settings)
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    // Glibc's module leaves out the X/Open pty functions (they need _XOPEN_SOURCE), and `ioctl`
    // is variadic; the C library has them all the same, so they are looked up by name.
    private static func unlockpt(_ fd: Int32) -> Int32 {
        guard let symbol = dlsym(nil, "unlockpt") else { return -1 }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)(fd)
    }

    private static func ptsname_r(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32 {
        guard let symbol = dlsym(nil, "ptsname_r") else { return -1 }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)(
            fd, buffer, length)
    }

    deinit {
        close(slave)
        if master >= 0 { close(master) }
    }

    /// Pulls the device out: the master side is closed, and the program's writes fail.
    public func unplug() {
        if master >= 0 { close(master) }
        master = -1
    }

    /// Sends `text` as the device would.
    public func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Every byte the device received within `seconds` (reading until that much time passed,
    /// then once more: a task resumed late still reads what arrived meanwhile).
    public func received(within seconds: Double) async -> [UInt8] {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let late = Date() >= deadline
            let chunk = readAvailable(upTo: 256)
            bytes += chunk
            if late { return bytes }
            if chunk.isEmpty { try? await Task.sleep(for: .milliseconds(10)) }
        }
    }

    /// Reads until `count` bytes arrived or `seconds` passed (with one last read after that).
    public func receive(count: Int, within seconds: Double) async -> [UInt8] {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while bytes.count < count {
            let late = Date() >= deadline
            let chunk = readAvailable(upTo: count - bytes.count)
            bytes += chunk
            if late { break }
            if chunk.isEmpty { try? await Task.sleep(for: .milliseconds(10)) }
        }
        return bytes
    }

    /// What the device has received and not yet read, at most `limit` bytes, without waiting.
    private func readAvailable(upTo limit: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: min(limit, 256))
        let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer[0..<count]) : []
    }
}
