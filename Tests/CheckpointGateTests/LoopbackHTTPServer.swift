import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A one-thread HTTP/1.1 listener on 127.0.0.1 for webhook tests: records each request body and
/// answers with a fixed status. Bounded: it serves at most `limit` requests and stops.
final class LoopbackHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let socketDescriptor: Int32
    private let lock = NSLock()
    private var bodies: [String] = []
    private var answer: Int
    /// The status it answers with (changeable: a platform that goes away and comes back).
    var status: Int {
        get { lock.withLock { answer } }
        set { lock.withLock { answer = newValue } }
    }
    /// The bodies of the requests it answered with 2xx.
    private var acceptedBodies: [String] = []

    init(status: Int = 200, limit: Int = 20) throws {
        answer = status
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        socketDescriptor = fd
        let thread = Thread { [self] in
            for _ in 0..<limit {
                let client = accept(socketDescriptor, nil, nil)
                guard client >= 0 else { return }
                serve(client)
            }
        }
        thread.start()
    }

    deinit { shutdown(socketDescriptor, Int32(SHUT_RDWR)); close(socketDescriptor) }

    var received: [String] { lock.withLock { bodies } }
    var accepted: [String] { lock.withLock { acceptedBodies } }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            request += buffer[0..<count]
            let text = String(decoding: request, as: UTF8.self)
            guard let headerEnd = text.range(of: "\r\n\r\n") else { continue }
            let header = text[..<headerEnd.lowerBound].lowercased()
            let length = header.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            let body = String(text[headerEnd.upperBound...])
            guard body.utf8.count >= length else { continue }
            let status = lock.withLock {
                bodies.append(body)
                if (200..<300).contains(answer) { acceptedBodies.append(body) }
                return answer
            }
            let response = Array("HTTP/1.1 \(status) X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
            _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            return
        }
    }
}
