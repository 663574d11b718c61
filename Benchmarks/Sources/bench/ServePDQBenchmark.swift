import Foundation
import HealthCardCore

/// The PDQ row of `bench serve`: `GET /v1/empi/persons` on the PIX node's big index, with the
/// criteria a registration desk types — name and birth date, name alone, birth date and sex —
/// taken from records drawn from the index with a fixed seed, so every query finds at least the
/// person it was drawn from. Latencies are set beside the PIX goal (p99 < 10 ms), the one latency
/// goal of an interactive identity lookup the issue sets, and the PIX query's own p50 in the same
/// run (the HTTP and audit floor of an identity lookup on this node).
extension ServeBenchmarks {
    static func pdq(node: ServeNode, key: String, index: String, pixMedian: Double, _ options: Options, _ table: Table) throws {
        let records = try ServeIndexCache.sampleDemographics(path: index, count: 1_200, seed: 11)
        print("\n## PDQ on the same node (\(records.count) records drawn from the index)")
        func query(_ items: [(String, String)]) -> HTTPRequestBytes {
            let text = items.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
            return HTTPRequestBytes("GET", "/v1/empi/persons?\(text)&limit=20", key: key)
        }
        let kinds: [(String, [HTTPRequestBytes])] = [
            ("name + birth date", records.map { query([("name", $0.fullName!), ("birthDate", $0.birthDate!)]) }),
            ("name", records.map { query([("name", $0.fullName!)]) }),
            ("birth date + sex", records.map { query([("birthDate", $0.birthDate!), ("sex", $0.sex!)]) }),
        ]
        // Every query finds at least the person its criteria were drawn from.
        let found = Array("\"person\"".utf8)
        let accept: @Sendable (Int, [UInt8]) -> Bool = { status, body in status == 200 && bodyContains(body, found) }
        // The first query may build the node's matcher from the file (every record normalised).
        try check(
            try runLoad(ports: [node.port], clients: 1, total: 1, duration: 1_800, request: { kinds[0].1[$0] }, accept: accept),
            "PDQ first query")
        for (kind, requests) in kinds {
            let single = try runLoad(
                ports: [node.port], clients: 1, total: requests.count, duration: options.seconds,
                request: { requests[$0] }, accept: accept)
            try check(single, "PDQ \(kind), 1 client")
            table.add(
                "PDQ \(kind) p99, 1 client; p50 \(ms(single.percentile(0.5)))", ms(single.percentile(0.99)),
                "PIX's goal 10 ms; PIX p50 here \(ms(pixMedian))", ratio: single.percentile(0.99) / 0.010,
                goal: "(PIX's: p99 < 10 ms)", met: nil)
        }
        let mixed = kinds.flatMap(\.1)
        let cpu = node.cpuSeconds
        let many = try runLoad(
            ports: [node.port], clients: options.clients, total: .max, duration: options.seconds,
            request: { mixed[($0 * 7919) % mixed.count] }, accept: accept)
        try check(many, "PDQ mixed, \(options.clients) clients")
        print("  server CPU \(String(format: "%.1f", node.cpuSeconds - cpu)) s for \(many.count) queries")
        table.add(
            "PDQ queries/s, the three kinds mixed, \(options.clients) clients (p50 \(ms(many.percentile(0.5))))",
            "\(format(many.perSecond))/s; p99 \(ms(many.percentile(0.99)))", "", ratio: nil, goal: "", met: nil)
    }
}
