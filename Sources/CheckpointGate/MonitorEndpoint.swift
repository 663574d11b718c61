import Foundation
import HealthCardFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP endpoint for monitoring (`"monitor": {"listen": "127.0.0.1:9108"}`): `GET /state`
/// answers the station's state (the JSON of the state file), `GET /healthz` answers `200 ok` while
/// every device is ok and `503` naming the devices that are not; anything else is `404`.
///
/// Why inside the station's loop and not a server library: it answers two read-only questions
/// about the loop's own state, one request per connection, so a listening socket polled with the
/// scanners is enough, and the station links no HTTP stack. A client gets at most 200 ms to send
/// its request line; a slow or silent one is dropped, so the door's loop is never held longer.
/// It listens on the address given (loopback in the example): it is not authenticated and tells
/// whoever can reach it the last holder scanned, masked.
final class MonitorEndpoint {
    let listen: String
    let descriptor: Int32

    /// Binds and listens on `host:port` (IPv4).
    ///
    /// - Throws: `HealthCardError` naming the address when it cannot be bound.
    init(host: String, port: Int) throws {
        listen = "\(host):\(port)"
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw HealthCardError.invalidValue("monitor \(listen): no socket (\(String(cString: strerror(errno))))") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            Glibc.close(socket)
            throw HealthCardError.invalidValue("monitor \(listen): '\(host)' is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(socket, 8) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(socket)
            throw HealthCardError.invalidValue("monitor \(listen): cannot listen (\(reason))")
        }
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        descriptor = socket
    }

    deinit { Glibc.close(descriptor) }

    /// Answers every waiting connection with `respond(path)`: `(status, content type, body)`.
    func serve(_ respond: (String) -> (status: Int, type: String, body: [UInt8])) {
        while true {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return }
            defer { Glibc.close(client) }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 2048)
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { continue }
            let line = String(decoding: buffer[..<count].prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
            let parts = line.split(separator: " ")
            let answer: (status: Int, type: String, body: [UInt8]) =
                parts.count >= 2 && parts[0] == "GET"
                ? respond(String(parts[1])) : (405, "text/plain", Array("only GET\n".utf8))
            let reason = [200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"][answer.status] ?? ""
            let head =
                "HTTP/1.1 \(answer.status) \(reason)\r\nContent-Type: \(answer.type)\r\n"
                + "Content-Length: \(answer.body.count)\r\nConnection: close\r\n\r\n"
            let response = Array(head.utf8) + answer.body
            _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
        }
    }
}
