import Foundation
import HealthCardFoundation
import HealthQR
import HealthQRImaging
import PersonalHealthCode

#if canImport(Glibc)
    import Glibc
#endif

/// A stream of raw 8-bit grey camera frames (Y800, `width × height` bytes each, back to back) on a
/// FIFO or the station's standard input: what `ffmpeg -f v4l2 -i /dev/video0 -f rawvideo
/// -pix_fmt gray -s 640x480 -` writes. Each frame is decoded through the same scan ladder as a
/// frames folder (``QRImageCodec``, zbar first, zxing-cpp last).
///
/// Live camera semantics: when more than one complete frame has arrived since the last round
/// (decoding is slower than the camera), only the newest is decoded and the others are counted
/// as skipped (a code is in view for many frames). A frame without a code is an empty scene, no
/// passage. A FIFO is opened read-only, so the camera program closing its end is an end of
/// stream: a partial frame left then is reported as a short final frame and dropped (the next
/// writer starts on a frame boundary), and a fresh read end waits for the next writer.
/// Standard input (`"-"`) ends for good at its end.
final class FrameStream {
    /// The FIFO's path, or `-` for standard input.
    let path: String
    let width: Int
    let height: Int
    let codec: QRImageCodec
    private(set) var descriptor: Int32 = -1
    private var pending: [UInt8] = []
    private var receivedSinceOpen = 0
    /// Frames decoded and frames skipped for a newer one, since the station started.
    private(set) var decoded = 0
    private(set) var skipped = 0
    /// Standard input reached its end (it cannot be reopened).
    private(set) var finished = false

    init(path: String, width: Int, height: Int) {
        self.path = path
        self.width = width
        self.height = height
        // Checked when the configuration was read: width × height is within maxPixels.
        codec = QRImageCodec(maxPixels: max(width * height, 1))
    }

    deinit { close() }

    var isOpen: Bool { descriptor >= 0 }
    var frameSize: Int { width * height }
    var label: String { path == "-" ? "standard input" : path }

    /// One finding per decoded frame that held a code or could not be read, and the end of a
    /// stream that left a partial frame.
    enum Finding {
        /// `key` is what repeat suppression compares: the code's text, or every code's text.
        case credential(Credential, key: String, frame: String)
        case unreadable(frame: String, reason: String)
        case shortFinalFrame(bytes: Int)
    }

    /// Opens the FIFO read-only without blocking (or takes standard input).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the path: missing, not a FIFO.
    func open() throws {
        close()
        guard !finished else { throw HealthCardError.invalidValue("\(label): ended") }
        if path == "-" {
            let flags = fcntl(0, F_GETFL)
            _ = fcntl(0, F_SETFL, flags | O_NONBLOCK)
            descriptor = 0
        } else {
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw HealthCardError.invalidValue("\(path): cannot open (\(String(cString: strerror(errno))))")
            }
            guard (status.st_mode & mode_t(S_IFMT)) == mode_t(S_IFIFO) else {
                throw HealthCardError.invalidValue("\(path): not a FIFO (make one with mkfifo)")
            }
            let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                throw HealthCardError.invalidValue("\(path): cannot open (\(String(cString: strerror(errno))))")
            }
            descriptor = fd
        }
        pending = []
        receivedSinceOpen = 0
    }

    /// A fresh read end for the next writer, opened before the old one is closed, so the FIFO
    /// never lacks a reader (a camera program restarting then would get EPIPE) and the new
    /// descriptor does not keep reporting the old writer's hang-up.
    private func reopenFIFO() {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        close()
        descriptor = fd
        pending = []
        receivedSinceOpen = 0
    }

    func close() {
        if descriptor > 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Reads what has arrived and decodes the newest complete frame.
    ///
    /// How a stream ended in a round: after bytes had come since it was opened (the camera
    /// program stopped), or with none (nobody has the FIFO open for writing yet).
    enum End { case afterData, noWriter }

    /// - Returns: the findings, and how the stream ended in this round, if it did (the writer
    ///   closed its end, or standard input ended); the stream is then closed.
    /// - Throws: `HealthCardError/Code/invalidValue` for a read error (the stream is closed).
    func poll() throws -> (findings: [Finding], end: End?) {
        guard descriptor >= 0 else { return ([], nil) }
        var findings: [Finding] = []
        var end: End?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var frames: [[UInt8]] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                receivedSinceOpen += count
                pending += buffer[0..<count]
                while pending.count >= frameSize {
                    frames.append(Array(pending[0..<frameSize]))
                    pending.removeFirst(frameSize)
                    // Keep only the newest complete frame (and the partial one after it).
                    if frames.count > 1 { frames.removeFirst(); skipped += 1 }
                }
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { break }
            if count < 0 {
                let reason = String(cString: strerror(errno))
                close()
                throw HealthCardError.invalidValue("\(label): \(reason)")
            }
            // End of file: the writer closed its end (or none has opened it yet).
            end = receivedSinceOpen > 0 ? .afterData : .noWriter
            if !pending.isEmpty { findings.append(.shortFinalFrame(bytes: pending.count)) }
            if path == "-" {
                finished = true
                close()
            } else {
                reopenFIFO()
            }
            break
        }
        if let frame = frames.last {
            decoded += 1
            let name = "frame \(decoded) of \(label)"
            do {
                let payloads = try codec.payloads(inGreyFrame: frame, width: width, height: height)
                if !payloads.isEmpty {
                    let credential = Credential(scannedPayloads: payloads, imageName: name, presentedBy: nil)
                    let key = payloads.map { String(decoding: $0, as: UTF8.self) }.sorted().joined(separator: "\n")
                    findings.insert(.credential(credential, key: key, frame: name), at: 0)
                }
            } catch {
                findings.insert(.unreadable(frame: name, reason: errorText(error)), at: 0)
            }
        }
        return (findings, end)
    }
}
