import Foundation
import Synchronization

/// A load client for `hcard serve` on loopback (issue 16 item 7): HTTP/1.1 over one kept-alive
/// TCP connection per client thread, as a gate or a hospital's system keeps its connection open.
///
/// Why our own and not `wrk` or URLSession: every request's latency is wanted (p50/p99, not a
/// mean), each answer is checked (status and a marker in the body, so a run of errors cannot pass
/// for throughput), and the client should cost as little CPU as possible on a 2-core machine where
/// it competes with the server: blocking sockets, one thread per connection, no event loop.
final class HTTPConnection: @unchecked Sendable {  // used by one thread at a time
    private let socket: Int32
    private var buffer: [UInt8] = []
    let port: Int

    /// Connects to 127.0.0.1:`port` with Nagle's delay off (requests are small and single).
    init(port: Int) throws {
        self.port = port
        socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw LoadError.socket("socket(): errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw LoadError.socket("connect to 127.0.0.1:\(port): errno \(errno)")
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    /// One request and its whole answer: the status and the body.
    func send(_ request: HTTPRequestBytes) throws -> (status: Int, body: [UInt8]) {
        try request.bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Foundation.send(socket, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                guard n > 0 else { throw LoadError.socket("send to port \(port): errno \(errno)") }
                sent += n
            }
        }
        return try readResponse()
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw LoadError.socket("the server on port \(port) closed the connection (errno \(errno))") }
        buffer.append(contentsOf: chunk[0..<n])
    }

    /// Index just past the first CRLF CRLF in the buffer, reading more until there is one.
    private func headerEnd() throws -> Int {
        var searchFrom = 0
        while true {
            if buffer.count >= 4 {
                for index in searchFrom...(buffer.count - 4)
                where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
                    return index + 4
                }
                searchFrom = buffer.count - 3
            }
            try fill()
        }
    }

    private func readResponse() throws -> (status: Int, body: [UInt8]) {
        let end = try headerEnd()
        guard let head = String(bytes: buffer[0..<end], encoding: .utf8) else { throw LoadError.protocolError("header not UTF-8") }
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.dropFirst(9).prefix(3))
        else { throw LoadError.protocolError("status line \(lines.first ?? "")") }
        var length: Int?
        var chunked = false
        for line in lines.dropFirst() {
            let lower = line.lowercased()
            if lower.hasPrefix("content-length:") { length = Int(lower.dropFirst(15).trimmingCharacters(in: .whitespaces)) }
            if lower.hasPrefix("transfer-encoding:") && lower.contains("chunked") { chunked = true }
        }
        buffer.removeFirst(end)
        if let length {
            while buffer.count < length { try fill() }
            let body = Array(buffer[0..<length])
            buffer.removeFirst(length)
            return (status, body)
        }
        guard chunked else { throw LoadError.protocolError("an answer with neither Content-Length nor chunked encoding") }
        var body: [UInt8] = []
        while true {
            let line = try crlfLine()
            guard let size = Int(line.split(separator: ";").first ?? "", radix: 16) else {
                throw LoadError.protocolError("chunk size \(line)")
            }
            if size == 0 {
                while try !crlfLine().isEmpty {}  // trailers, then the empty line
                return (status, body)
            }
            while buffer.count < size + 2 { try fill() }
            body.append(contentsOf: buffer[0..<size])
            buffer.removeFirst(size + 2)
        }
    }

    private func crlfLine() throws -> String {
        while true {
            if let index = buffer.indices.dropLast().first(where: { buffer[$0] == 13 && buffer[$0 + 1] == 10 }) {
                let line = String(decoding: buffer[0..<index], as: UTF8.self)
                buffer.removeFirst(index + 2)
                return line
            }
            try fill()
        }
    }
}

/// A request already encoded, so that the timed loop only writes bytes.
struct HTTPRequestBytes: Sendable {
    let bytes: [UInt8]

    init(_ method: String, _ path: String, key: String?, json: String? = nil) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let key { head += "Authorization: Bearer \(key)\r\n" }
        let body = Array((json ?? "").utf8)
        if json != nil { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        bytes = Array(head.utf8) + body
    }
}

enum LoadError: Error, CustomStringConvertible {
    case socket(String)
    case protocolError(String)
    case unexpected(String)

    var description: String {
        switch self {
        case .socket(let text): "socket: \(text)"
        case .protocolError(let text): "HTTP: \(text)"
        case .unexpected(let text): text
        }
    }
}

/// What a load run measured: answers, their latencies, wall time and the client's CPU time.
struct LoadResult {
    var latencies: [Double]  // seconds, sorted
    var wall: Double
    var failures: [String]
    var clientCPU: Double

    var count: Int { latencies.count }
    var perSecond: Double { Double(count) / wall }
    func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
}

/// Runs `clients` connections at once, each on its own thread, sending requests until `total`
/// requests have been sent in all (or `duration` has passed, whichever comes first).
/// `request(n)` gives the n-th request (n counts across all clients); `accept(status, body)`
/// says whether an answer is the expected one. Latency is from the first byte written to the
/// last byte read.
func runLoad(
    ports: [Int], clients: Int, total: Int, duration: Double,
    request: @escaping @Sendable (Int) -> HTTPRequestBytes,
    accept: @escaping @Sendable (Int, [UInt8]) -> Bool
) throws -> LoadResult {
    let shared = LoadShared()
    let connections = try (0..<clients).map { try HTTPConnection(port: ports[$0 % ports.count]) }
    let done = DispatchGroup()
    let started = ContinuousClock.now
    let deadline = started.advanced(by: .milliseconds(Int(duration * 1000)))
    for connection in connections {
        done.enter()
        let thread = Thread {
            let cpuStart = threadCPUSeconds()
            var latencies: [Double] = []
            var failures: [String] = []
            latencies.reserveCapacity(min(total / clients + 1, 1 << 16))
            while ContinuousClock.now < deadline {
                let n = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard n < total else { break }
                let bytes = request(n)
                let t0 = ContinuousClock.now
                do {
                    let (status, body) = try connection.send(bytes)
                    latencies.append(seconds(t0.duration(to: .now)))
                    if !accept(status, body) {
                        failures.append("\(status) \(String(decoding: body.prefix(300), as: UTF8.self))")
                    }
                } catch {
                    failures.append("\(error)")
                    break
                }
            }
            let cpu = threadCPUSeconds() - cpuStart
            shared.results.withLock {
                $0.latencies += latencies
                $0.failures += failures
                $0.cpu += cpu
            }
            done.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    done.wait()
    let wall = seconds(started.duration(to: .now))
    let (latencies, failures, cpu) = shared.results.withLock { $0 }
    return LoadResult(latencies: latencies.sorted(), wall: wall, failures: failures, clientCPU: cpu)
}

/// The counter and the collected results the client threads share.
private final class LoadShared: Sendable {
    let next = Atomic<Int>(0)
    let results = Mutex<(latencies: [Double], failures: [String], cpu: Double)>(([], [], 0))
}

/// Whether a body contains `marker` (a cheap check that each answer is the expected one).
func bodyContains(_ body: [UInt8], _ marker: [UInt8]) -> Bool {
    guard body.count >= marker.count, let first = marker.first else { return marker.isEmpty }
    var index = 0
    while index <= body.count - marker.count {
        if body[index] == first && body[index..<(index + marker.count)].elementsEqual(marker) { return true }
        index += 1
    }
    return false
}
