import Foundation
import HealthCardTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `hcard serve --postgres` processes on loopback sharing one PostgreSQL database, as nodes
/// behind a load balancer: both hospitals' records of the same people are fed through both nodes
/// at the same moment, and each person ends up once, with both records.
///
/// Needs `HCARD_TEST_POSTGRES_URL` (Scripts/test.sh starts a throwaway cluster and sets it). Without
/// it the test is skipped, except under `CI=true`, where it runs and fails.
@Suite("hcard serve on PostgreSQL, two nodes")
struct ServePostgresTests {
    static let url = ProcessInfo.processInfo.environment["HCARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let enabled = url != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    /// A fresh database in the test cluster (psql), so reruns start empty.
    static func freshDatabase() async throws -> String {
        guard let url else {
            throw CocoaError(.featureUnsupported, userInfo: [
                NSLocalizedDescriptionKey: "CI=true but HCARD_TEST_POSTGRES_URL is not set: Scripts/test.sh starts PostgreSQL"
            ])
        }
        let name = "hcard_n_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [url, "-qc", "CREATE DATABASE \(name)"]
        try psql.run()
        await psql.waitForExit()
        #expect(psql.terminationStatus == 0, "psql CREATE DATABASE failed")
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }

    /// A valid GB 11643 citizen ID: region 110105, the birth date, sequence `sequence`, check digit.
    static func citizenID(birth: String, sequence: Int) -> String {
        let body = "110105" + birth.replacingOccurrences(of: "-", with: "") + String(format: "%03d", sequence)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    static let names = [
        "李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周婷", "吴昊",
        "徐丽", "孙杰", "胡军", "朱琳", "高峰", "林娜", "何涛", "郭强", "马超", "罗兰",
    ]

    static func record(_ id: String, domain: String, person index: Int) -> String {
        let birth = String(format: "19%02d-%02d-%02d", 60 + index, 1 + index % 12, 1 + index)
        return """
            {"id": "\(id)", "domain": "\(domain)", "fullName": "\(names[index])", "birthDate": "\(birth)",
             "sex": "\(index % 2 + 1)",
             "identifiers": [{"domain": "citizen-id", "value": "\(citizenID(birth: birth, sequence: 10 + index))", "kind": "citizenID"}]}
            """
    }

    /// Two `hcard serve --postgres URL` processes on free loopback ports, each in its own directory.
    static func twoNodes(_ url: String) throws -> [ServeCommandTests.Running] {
        let directories = [try CryptoTestSupport.temporaryDirectory(), try CryptoTestSupport.temporaryDirectory()]
        return try directories.map { try ServeCommandTests.Running(arguments: ["--postgres", url], in: $0) }
    }

    /// SIGTERM to each node, then the short wait for it to end (synchronous: called in `defer`).
    static func stop(_ nodes: [ServeCommandTests.Running]) {
        for node in nodes {
            node.process.terminate()
            node.process.waitUntilExit()
        }
    }

    /// A key made with the CLI against the database: it works on every node.
    static func key(_ url: String, _ name: String, _ roles: String) async throws -> String {
        let added = try await HCardRunner.run(["serve", "key", "add", "--postgres", url, "--name", name, "--roles", roles])
        #expect(added.status == 0, "\(added.stderr)")
        return added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One request to the node on `port` (Sendable: only the port crosses into the tasks).
    static func request(_ port: Int, _ path: String, key: String, body: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    @Test("two nodes fed the same 20 people from both hospitals at once: 20 persons, each with both records", .enabled(if: enabled))
    func concurrentFeedsFromTwoNodes() async throws {
        let url = try await Self.freshDatabase()
        let nodes = try Self.twoNodes(url)
        let ports = nodes.map(\.port)
        defer { Self.stop(nodes) }
        let steward = try await Self.key(url, "steward", "steward")
        let registrar = try await Self.key(url, "hospitals", "registrar")
        for domain in [#"{"code": "citizen-id", "type": "citizen-id"}"#, #"{"code": "HOSP-A"}"#, #"{"code": "HOSP-B"}"#] {
            #expect(try await Self.request(ports[0], "/v1/empi/domains", key: steward, body: domain).0 == 200)
        }
        #expect(try await Self.request(ports[1], "/v1/empi/domains", key: steward).0 == 200)

        // Person i's record from hospital A through node 0 and from hospital B through node 1,
        // all 40 requests in flight together.
        let people = Self.names.count
        let persons = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for index in 0..<people {
                for (node, domain) in [(0, "HOSP-A"), (1, "HOSP-B")] {
                    let id = "\(domain.suffix(1))-\(index)"
                    group.addTask {
                        let (status, body) = try await Self.request(
                            ports[node], "/v1/empi/records", key: registrar, body: Self.record(id, domain: domain, person: index))
                        let answer = try JSONSerialization.jsonObject(with: body) as? [String: Any]
                        guard status == 200, let person = answer?["person"] as? Int else {
                            throw CocoaError(.coderInvalidValue, userInfo: [
                                NSLocalizedDescriptionKey: "feed \(id): \(status) \(String(decoding: body, as: UTF8.self))"
                            ])
                        }
                        return (id, person)
                    }
                }
            }
            return try await group.reduce(into: [String: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(persons.count == 2 * people)
        for index in 0..<people {
            #expect(persons["A-\(index)"] == persons["B-\(index)"], "person \(index): \(persons)")
        }
        #expect(Set(persons.values).count == people, "\(Set(persons.values).count) persons for \(people) people")

        // Either node answers the PIX query for either hospital's ID with the other's.
        for index in 0..<people {
            let (status, body) = try await Self.request(
                ports[index % 2], "/v1/empi/pix?domain=HOSP-A&value=A-\(index)&targets=HOSP-B", key: registrar)
            #expect(status == 200)
            let answer = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            let identifiers = answer?["identifiers"] as? [[String: String]]
            #expect(identifiers == [["domain": "HOSP-B", "value": "B-\(index)"]], "\(String(decoding: body, as: UTF8.self))")
        }
        // The events: 40 registrations, numbered without gaps in commit order, on either node.
        let (status, body) = try await Self.request(ports[1], "/v1/empi/events?limit=1000", key: steward)
        #expect(status == 200)
        let events = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["events"] as? [[String: Any]]
        #expect(events?.compactMap { $0["kind"] as? String }.filter { $0 == "register" }.count == 2 * people)
        #expect(events?.compactMap { $0["sequence"] as? Int } == Array(1...(2 * people)))
    }
}
