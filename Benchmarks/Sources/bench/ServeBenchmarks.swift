import Foundation
import GRDB
import HealthCardCore

/// `bench serve`: issue 16 item 7, `hcard serve` under load on loopback. Real release-built
/// `hcard serve` processes (`ServeNode`), a keep-alive HTTP client with per-request latency
/// (`runLoad`), every answer checked, and each figure beside an anchor or goal measured in the
/// same run:
///
/// 1. code verification (`POST /v1/codes/verify`, static HCK1 and HCC1 codes) per second, against
///    the machine's SM2 verify limit: `openssl speed sm2` verify/s across all cores (wall,
///    `-elapsed -multi`) and per CPU second; goal ≥ 0.6×;
/// 2. PIX query (`GET /v1/empi/pix`) p50/p99 on the cached index of `--persons` persons
///    (`ServeIndexCache`), one client and eight; goal p99 < 10 ms; beside the library's own
///    `crossReference` on the same file;
///    and the PDQ demographic query (`GET /v1/empi/persons`) on the same node (ServePDQBenchmark.swift);
/// 3. feeds (`POST /v1/empi/records`) per second with 8 clients: one node on SQLite (a copy of the
///    big index) and two nodes on one PostgreSQL (`Scripts/postgres-cluster.sh`); goal ≥ 1,000/s
///    on PostgreSQL; beside SQLite's floor for one record's rows in one durable transaction;
/// 4. checkpoint scans (`POST /v1/checkpoints/{id}/scans`: decide, log durably, answer) per second
///    with 8 clients, beside the pass log's own durable append rate.
///
/// `bench serve [--persons N] [--seconds S] [--clients C] [--only verify,pix,pdq,feed,checkpoint]`
/// (`pdq` runs on the PIX node, so it needs `pix`; `feed-sqlite` or `feed-postgres` runs one half
/// of `feed`);
/// `HCARD_BIN` names the `hcard` binary (default: the repository's `.build/release/hcard`),
/// `HCK_BENCH_DIR` the scratch disk, `HCK_SERVE_PG_PORT` the PostgreSQL port (default 55443);
/// `HCK_SERVE_PG_URL` names a database that holds the copied index already (no cluster is
/// started and nothing is copied; it is fed, so use a fresh copy, `CREATE DATABASE … TEMPLATE`),
/// to measure the feeds again without the copy's minutes.
/// Wall-clock figures on a shared machine: the load average is printed with them, and the server's
/// own CPU seconds are given where a rate depends on them.
enum ServeBenchmarks {
    struct Options {
        var persons = 1_000_000
        var seed: UInt64 = 2026
        var seconds = 15.0
        var clients = 8
        var only: Set<String> = ["verify", "pix", "pdq", "feed", "checkpoint"]

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            while let flag = rest.popFirst() {
                guard let value = rest.popFirst() else { throw LoadError.unexpected("\(flag) needs a value") }
                switch flag {
                case "--persons": persons = try Self.number(flag, value)
                case "--seconds": seconds = Double(try Self.number(flag, value))
                case "--clients": clients = try Self.number(flag, value)
                case "--seed": seed = UInt64(try Self.number(flag, value))
                case "--only": only = Set(value.split(separator: ",").map(String.init))
                default: throw LoadError.unexpected("unknown option \(flag) (--persons, --seconds, --clients, --seed, --only)")
                }
            }
        }

        static func number(_ flag: String, _ value: String) throws -> Int {
            guard let number = Int(value), number > 0 else { throw LoadError.unexpected("\(flag) \(value): a positive number") }
            return number
        }
    }

    /// The rows of the table printed at the end.
    final class Table {
        var rows: [[String]] = [["measure", "ours", "anchor or goal, same run", "ratio", "goal", "met"]]

        func add(_ measure: String, _ ours: String, _ anchor: String, ratio: Double?, goal: String, met: Bool?) {
            rows.append([
                measure, ours, anchor, ratio.map { String(format: "%.2f×", $0) } ?? "—", goal,
                met.map { $0 ? "yes" : "no" } ?? "—",
            ])
        }
    }

    static func run(_ arguments: [String]) async throws {
        let options = try Options(arguments)
        let base =
            ProcessInfo.processInfo.environment["HCK_BENCH_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory
        let work = base.appendingPathComponent("hck-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        guard FileManager.default.isExecutableFile(atPath: ServeNode.binary) else {
            throw LoadError.unexpected(
                "no hcard at \(ServeNode.binary): swift build -c release --product hcard (or set HCARD_BIN)")
        }
        let table = Table()
        print(
            "\n(serve benchmark: \(ServeNode.binary); \(ProcessInfo.processInfo.activeProcessorCount) cores, \(machine()); "
                + "\(options.clients) clients for \(Int(options.seconds)) s per row; load average \(loadAverage()); "
                + "\(ISO8601DateFormatter().string(from: Date())))")
        if options.only.contains("verify") || options.only.contains("checkpoint") {
            let codes = try await Codes(directory: work, count: 2_000)
            if options.only.contains("verify") { try verification(codes, options, work, table) }
            if options.only.contains("checkpoint") { try checkpointScans(codes, options, work, table) }
        }
        let feeds = ["feed-sqlite", "feed-postgres"].filter { options.only.contains($0) || options.only.contains("feed") }
        if options.only.contains("pix") || !feeds.isEmpty {
            let (index, built) = try ServeIndexCache.index(seed: options.seed, persons: options.persons)
            if let built { print("(index built in \(String(format1: built)) s)") }
            if options.only.contains("pix") { try pix(index: index, options, work, table) }
            if feeds.contains("feed-sqlite") { try feedsOnSQLite(index: index, options, work, table) }
            if feeds.contains("feed-postgres") { try feedsOnPostgres(index: index, options, work, table) }
        }
        printTable("hcard serve under load (issue 16 item 7), load average now \(loadAverage())", table.rows)
    }

    /// The CPU model, memory and kernel, for the figures' record (Docs/serve.md §9).
    static func machine() -> String {
        let cpu = ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("model name") }.map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?" } ?? "?"
        let memory = ((try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("MemTotal:") }.flatMap { Double($0.split(separator: " ").dropFirst().first ?? "") }
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(cpu), \(memory.map { String(format: "%.0f GiB", $0 / 1_048_576) } ?? "?") RAM, Linux \(kernel)"
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3)
            .joined(separator: " ")
    }

    static func ms(_ value: Double) -> String { String(format: "%.2f ms", value * 1000) }

    static func check(_ result: LoadResult, _ what: String) throws {
        guard result.failures.isEmpty else {
            throw LoadError.unexpected(
                "\(what): \(result.failures.count) unexpected answers, first: \(result.failures.prefix(3).joined(separator: " | "))")
        }
        print(
            "  \(what): \(result.count) requests in \(String(format: "%.1f", result.wall)) s, "
                + "\(format(result.perSecond))/s, p50 \(ms(result.percentile(0.5))), p99 \(ms(result.percentile(0.99))); "
                + "client CPU \(String(format: "%.1f", result.clientCPU)) s; load \(loadAverage())")
    }

    static func isOK(_ marker: String) -> @Sendable (Int, [UInt8]) -> Bool {
        let bytes = Array(marker.utf8)
        return { status, body in status == 200 && bodyContains(body, bytes) }
    }

    // MARK: 1. Code verification

    /// What the verification and checkpoint rows send: static HCK1 e-health-card codes signed by
    /// one key in the server's trust list, and the persons to whom a node issues HCC1 codes with it.
    struct Codes {
        let trust: String
        /// The signing key as a PEM file: the nodes' `--issuer-key`.
        let issuerKey: String
        let eHealthCards: [String]
        /// Citizen IDs to declare to a node and have it issue green HCC1 codes to (its register holds them).
        let persons: [String]

        init(directory: URL, count: Int) async throws {
            let key = try SM2PrivateKey()
            let now = Date()
            trust = directory.appendingPathComponent("trust.json").path
            issuerKey = directory.appendingPathComponent("issuer.key").path
            try KeyFiles.writePrivateKey(key, to: issuerKey)
            try TrustList(entries: [
                TrustList.Entry(
                    publicKey: key.publicKey, issuer: "Benchmark", validFrom: now.addingTimeInterval(-86_400),
                    validTo: now.addingTimeInterval(365 * 86_400))
            ]).save(to: trust)
            let cards = try SignedCodeIssuer(privateKey: key)
            var generator = SeededGenerator(seed: 16)
            var eHealthCards: [String] = []
            var persons: [String] = []
            for number in 0..<count {
                let cardID = (0..<4).map { _ in String(format: "%016llX", generator.next()) }.joined()
                eHealthCards.append(try await cards.issue(cardID: cardID, kind: .static, now: now))
                let body = String(format: "460100%04d%02d%02d%03d", 1950 + number % 60, 1 + number % 12, 1 + number % 28, number % 1000)
                let person = try PersonID(citizenID: body + String(CitizenID.checkCharacter(forBody: body)!))
                persons.append(person.rawValue)
            }
            self.eHealthCards = eHealthCards
            self.persons = persons
        }
    }

    /// `openssl speed sm2` verify/s: one process per CPU second (`elapsed: false`), or all cores
    /// in wall time (`-elapsed -multi N`), which is what the machine gives right now.
    static func opensslVerify(elapsed: Bool) -> Double? {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let arguments = elapsed ? ["speed", "-elapsed", "-multi", "\(cores)", "-seconds", "3", "sm2"] : ["speed", "-seconds", "3", "sm2"]
        guard let (status, output) = QRBenchmarks.run("/usr/bin/openssl", arguments), status == 0,
            let line = output.split(separator: "\n").last(where: { $0.contains("SM2 (CurveSM2)") })
        else { return nil }
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        return numbers.count >= 3 ? numbers[numbers.count - 1] : nil
    }

    /// A node on fresh SQLite files in `work/name`, trusting the codes' key and issuing with it,
    /// a verifier's key and an issuer's key.
    static func verifierNode(_ name: String, _ codes: Codes, _ work: URL) throws -> (ServeNode, String, issuer: String) {
        let folder = work.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("index.sqlite").path
        let key = try ServeNode.addKey(["--db", db], name: "gate", roles: "verifier")
        let issuer = try ServeNode.addKey(["--db", db], name: "province", roles: "issuer")
        return (
            try ServeNode(
                name: name, arguments: ["--db", db, "--trust", codes.trust, "--issuer-key", codes.issuerKey], directory: folder),
            key, issuer
        )
    }

    /// HCC1 codes issued by `node` itself (declare each person, then `POST /v1/health-code/codes`),
    /// so they are in its register and each is its person's newest: what verification at the
    /// issuing platform sees (the register is consulted on every HCC1 verification).
    static func registeredHealthCodes(_ node: ServeNode, issuer: String, _ codes: Codes, count: Int) throws -> [String] {
        let connection = try HTTPConnection(port: node.port)
        var texts: [String] = []
        for person in codes.persons.prefix(count) {
            let record =
                "{\"record\":{\"name\":\"张三\",\"sex\":\"1\",\"documentType\":\"01\",\"documentNumber\":\"\(person)\","
                + "\"householdRegion\":\"460105\",\"temperature\":36.6,\"symptoms\":[],\"riskAreaStay\":false,\"overseas\":false}}"
            let declared = try connection.send(HTTPRequestBytes("POST", "/v1/health-code/declarations", key: issuer, json: record))
            guard declared.status == 200, bodyContains(declared.body, Array("\"0000\"".utf8)) else {
                throw LoadError.unexpected("declaring \(person): \(declared.status) \(String(decoding: declared.body, as: UTF8.self))")
            }
            let issued = try connection.send(
                HTTPRequestBytes("POST", "/v1/health-code/codes", key: issuer, json: "{\"person\":\"\(person)\"}"))
            guard issued.status == 200,
                let object = try? JSONSerialization.jsonObject(with: Data(issued.body)) as? [String: Any],
                let text = object["text"] as? String
            else {
                throw LoadError.unexpected("issuing to \(person): \(issued.status) \(String(decoding: issued.body, as: UTF8.self))")
            }
            texts.append(text)
        }
        return texts
    }

    static func verification(_ codes: Codes, _ options: Options, _ work: URL, _ table: Table) throws {
        let (node, key, issuer) = try verifierNode("verify", codes, work)
        defer { node.stop() }
        print("\n## code verification (node on port \(node.port))")
        let registered = try registeredHealthCodes(node, issuer: issuer, codes, count: 500)
        for (kind, texts) in [("HCK1 static", codes.eHealthCards), ("HCC1 (register: current)", registered)] {
            let requests = texts.map { HTTPRequestBytes("POST", "/v1/codes/verify", key: key, json: "{\"text\":\"\($0)\"}") }
            let accept = isOK("\"valid\":true")
            if kind.hasPrefix("HCC1") {
                // The register is consulted: every answer must say so.
                let marker = Array("\"register\":\"current\"".utf8)
                try check(
                    try runLoad(
                        ports: [node.port], clients: 1, total: 20, duration: 60, request: { requests[$0 % requests.count] },
                        accept: { status, body in status == 200 && bodyContains(body, marker) }), "\(kind) register check")
            }
            // Warm-up: every code once, one client.
            try check(try runLoad(ports: [node.port], clients: 1, total: 200, duration: 60, request: { requests[$0 % requests.count] }, accept: accept), "\(kind) warm-up")
            let cpu = node.cpuSeconds
            let result = try runLoad(
                ports: [node.port], clients: options.clients, total: .max, duration: options.seconds,
                request: { requests[$0 % requests.count] }, accept: accept)
            let serverCPU = node.cpuSeconds - cpu
            try check(result, "\(kind), \(options.clients) clients")
            let wallLimit = opensslVerify(elapsed: true)
            let cpuLimit = opensslVerify(elapsed: false)
            print("  openssl speed sm2 verify: \(wallLimit.map(format) ?? "?")/s all cores wall, \(cpuLimit.map(format) ?? "?")/CPU-s; server CPU \(String(format: "%.1f", serverCPU)) s")
            let wallRatio = quotient(result.perSecond, wallLimit)
            table.add(
                "\(kind) verifications/s, \(options.clients) clients (wall)", "\(format(result.perSecond))/s",
                "openssl speed sm2 verify × \(ProcessInfo.processInfo.activeProcessorCount) cores, wall: \(wallLimit.map(format) ?? "?")/s",
                ratio: wallRatio, goal: "≥ 0.60×", met: wallRatio.map { $0 >= 0.6 })
            let perCPU = Double(result.count) / serverCPU
            let cpuRatio = quotient(perCPU, cpuLimit)
            table.add(
                "\(kind) verifications per server CPU second", "\(format(perCPU))/CPU-s",
                "openssl verify per CPU-s: \(cpuLimit.map(format) ?? "?")", ratio: cpuRatio, goal: "≥ 0.60×",
                met: cpuRatio.map { $0 >= 0.6 })
            table.add(
                "\(kind) verification latency, \(options.clients) clients (p50 / p99)",
                "\(ms(result.percentile(0.5))) / \(ms(result.percentile(0.99)))", "", ratio: nil, goal: "", met: nil)
        }
    }

    // MARK: 2. PIX

    static func pix(index: String, _ options: Options, _ work: URL, _ table: Table) throws {
        let folder = work.appendingPathComponent("pix")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let queries = try ServeIndexCache.sampleIdentifiers(path: index, count: 4_000, seed: 9)
        print("\n## PIX on \(index) (\(queries.count) identifiers drawn from its cross-index)")

        // Anchor: the library's crossReference on the same file, in this process, one thread
        // (closed before the server opens the file).
        var libraryLatencies: [Double] = []
        let (persons, records): (Int, Int)
        do {
            let library = try PatientIndex(path: index, mode: .readOnly)
            for (number, query) in queries.enumerated() {
                let t0 = ContinuousClock.now
                _ = try? library.crossReference(domain: query.domain, value: query.value)
                if number >= 200 { libraryLatencies.append(seconds(t0.duration(to: .now))) }  // first 200: warm-up
            }
            libraryLatencies.sort()
            var configuration = Configuration()
            configuration.readonly = true
            (persons, records) = try DatabaseQueue(path: index, configuration: configuration).read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM person WHERE status = 'active'") ?? 0,
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM record") ?? 0
                )
            }
        }

        // The server on the same file (a symbolic link: its own state files go into the run's folder).
        let db = folder.appendingPathComponent("index.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: db, withDestinationPath: index)
        let key = try ServeNode.addKey(["--db", db], name: "hospital", roles: "registrar")
        let node = try ServeNode(name: "pix", arguments: ["--db", db], directory: folder)
        defer { node.stop() }
        let requests = queries.map { query in
            HTTPRequestBytes(
                "GET",
                "/v1/empi/pix?domain=\(query.domain.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                    + "&value=\(query.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", key: key)
        }
        // An identifier held by two persons in a unique domain is answered 409 ambiguousIdentifier:
        // an answer, counted apart.
        let ambiguous = Array("ambiguousIdentifier".utf8)
        let accept: @Sendable (Int, [UInt8]) -> Bool = { status, body in
            status == 200 || (status == 409 && bodyContains(body, ambiguous))
        }
        try check(try runLoad(ports: [node.port], clients: 1, total: 200, duration: 60, request: { requests[$0] }, accept: accept), "PIX warm-up")
        let single = try runLoad(
            ports: [node.port], clients: 1, total: requests.count - 200, duration: options.seconds,
            request: { requests[200 + $0] }, accept: accept)
        try check(single, "PIX, 1 client")
        let cpu = node.cpuSeconds
        let many = try runLoad(
            ports: [node.port], clients: options.clients, total: .max, duration: options.seconds,
            request: { requests[$0 % requests.count] }, accept: accept)
        try check(many, "PIX, \(options.clients) clients")
        let serverCPU = node.cpuSeconds - cpu
        print(
            "  library crossReference: p50 \(ms(EMPIBenchmarks.percentile(libraryLatencies, 0.5))), p99 \(ms(EMPIBenchmarks.percentile(libraryLatencies, 0.99))); "
                + "server CPU \(String(format: "%.1f", serverCPU)) s for \(many.count) queries; server RSS \(Int(node.residentMiB)) MiB")
        let size = "\(persons) persons, \(records) records"
        for (label, result) in [("1 client", single), ("\(options.clients) clients", many)] {
            table.add(
                "PIX query p99, \(label) (\(size)); p50 \(ms(result.percentile(0.5)))", ms(result.percentile(0.99)),
                "goal 10 ms", ratio: result.percentile(0.99) / 0.010, goal: "< 1.00× (p99 < 10 ms)",
                met: result.percentile(0.99) < 0.010)
        }
        table.add(
            "PIX queries/s, \(options.clients) clients", "\(format(many.perSecond))/s", "", ratio: nil, goal: "", met: nil)
        if options.only.contains("pdq") {
            try pdq(node: node, key: key, index: index, pixMedian: single.percentile(0.5), options, table)
        }
        table.add(
            "PIX over HTTP vs the library's crossReference, same file (p50)", ms(single.percentile(0.5)),
            "library p50 \(ms(EMPIBenchmarks.percentile(libraryLatencies, 0.5))), p99 \(ms(EMPIBenchmarks.percentile(libraryLatencies, 0.99)))",
            ratio: quotient(single.percentile(0.5), EMPIBenchmarks.percentile(libraryLatencies, 0.5)), goal: "", met: nil)
    }

    // MARK: 3. Feeds

    /// Feed requests for new records: a population of its own seed, with record IDs that no
    /// record of the big index has (`bench-` prefixed), so every feed is a new record to match.
    static func feedRequests(_ options: Options, key: String, count: Int, tag: String) throws -> [HTTPRequestBytes] {
        let population = SyntheticPopulation(seed: options.seed + 1, options: .init(persons: count * 55 / 100 + 10))
        let encoder = JSONEncoder()
        return try population.records.prefix(count).map { record in
            var record = record
            record.id = "bench-\(tag)-" + record.id
            return HTTPRequestBytes("POST", "/v1/empi/records", key: key, json: String(decoding: try encoder.encode(record), as: UTF8.self))
        }
    }

    static func feedsOnSQLite(index: String, _ options: Options, _ work: URL, _ table: Table) throws {
        let folder = work.appendingPathComponent("feed-sqlite")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("index.sqlite").path
        print("\n## feeds on SQLite: copying the index")
        guard let (status, _) = QRBenchmarks.run("/bin/cp", ["--reflink=auto", index, db]), status == 0 else {
            throw LoadError.unexpected("copying \(index) failed")
        }
        let key = try ServeNode.addKey(["--db", db], name: "hospital", roles: "registrar")
        let node = try ServeNode(name: "feed-sqlite", arguments: ["--db", db], directory: folder)
        defer { node.stop() }
        let requests = try feedRequests(options, key: key, count: 20_000, tag: "s")
        // The first feed builds the node's matcher from the file (every record, normalised).
        let first = try runLoad(ports: [node.port], clients: 1, total: 1, duration: 3_600, request: { requests[$0] }, accept: isOK("\"decision\""))
        try check(first, "first feed (builds the matcher)")
        let cpu = node.cpuSeconds
        let result = try runLoad(
            ports: [node.port], clients: options.clients, total: requests.count - 1, duration: options.seconds,
            request: { requests[1 + $0] }, accept: isOK("\"decision\""))
        try check(result, "feeds, SQLite, \(options.clients) clients")
        let serverCPU = node.cpuSeconds - cpu
        print("  server CPU \(String(format: "%.1f", serverCPU)) s for \(result.count) feeds; RSS \(Int(node.residentMiB)) MiB")

        // Anchor: one record's rows (record, 2 identifiers, person, link, event) in one transaction,
        // same SQLite settings, in a fresh index file beside it.
        let anchorPath = folder.appendingPathComponent("anchor.sqlite").path
        try ServeIndexCache.registerDomains(try PatientIndex(path: anchorPath))
        let floor = try EMPIIndexBenchmarks.singleRecordWrites(path: anchorPath, count: 500).sorted()
        let floorRate = 1 / (floor.reduce(0, +) / Double(floor.count) / 1_000)
        table.add(
            "feeds/s, SQLite, 1 node, \(options.clients) clients (p50 \(ms(result.percentile(0.5))), p99 \(ms(result.percentile(0.99))))",
            "\(format(result.perSecond))/s",
            "SQLite floor, one record's rows per durable transaction: \(format(floorRate))/s",
            ratio: result.perSecond / floorRate, goal: "(none; 1,000/s is PostgreSQL's)", met: nil)
        table.add(
            "feeds per server CPU second, SQLite", "\(format(Double(result.count) / serverCPU))/CPU-s", "", ratio: nil, goal: "",
            met: nil)
    }

    static func feedsOnPostgres(index: String, _ options: Options, _ work: URL, _ table: Table) throws {
        let folder = work.appendingPathComponent("feed-postgres")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clock = ContinuousClock()
        let url: String
        let script = ServeNode.repositoryRoot.appendingPathComponent("Scripts/postgres-cluster.sh").path
        let cluster = folder.appendingPathComponent("cluster").path
        var started = false
        defer { if started { _ = QRBenchmarks.run("/bin/bash", [script, "stop", cluster]) } }
        if let given = ProcessInfo.processInfo.environment["HCK_SERVE_PG_URL"] {
            url = given
            print("\n## feeds on PostgreSQL (\(url), the index copied in already)")
        } else {
            let port = ProcessInfo.processInfo.environment["HCK_SERVE_PG_PORT"] ?? "55443"
            // Durable settings (fsync, synchronous commit, full page writes: PostgreSQL's defaults), as
            // an operator runs it; the test clusters turn them off.
            setenv("HCARD_PG_DURABLE", "1", 1)
            guard let (status, output) = QRBenchmarks.run("/bin/bash", [script, "start", cluster, port]), status == 0 else {
                print("(no PostgreSQL cluster: \(script) start failed; the PostgreSQL feed row is not measured)")
                table.add("feeds/s, PostgreSQL, 2 nodes", "not measured", "goal 1,000/s", ratio: nil, goal: "≥ 1.00×", met: nil)
                return
            }
            started = true
            url = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
            print("\n## feeds on PostgreSQL (\(url); durable: fsync and synchronous commit on)")
            // The big index, copied by `hcard serve copy-index` (PostgresIndexCopy: COPY in one
            // transaction) before any node starts.
            let copyStart = clock.now
            guard let (copyStatus, copyOutput) = QRBenchmarks.run(ServeNode.binary, ["serve", "copy-index", "--db", index, "--postgres", url]),
                copyStatus == 0
            else { throw LoadError.unexpected("hcard serve copy-index --db \(index) failed") }
            let copySeconds = seconds(copyStart.duration(to: clock.now))
            let copied = copyOutput.split(separator: "\n").compactMap { line -> Int? in
                let fields = line.split(separator: "\t")
                return fields.count == 2 ? Int(fields[1]) : nil
            }.reduce(0, +)
            print("  copied \(copied) rows in \(String(format: "%.1f", copySeconds)) s: \(copyOutput.split(separator: "\n").joined(separator: ", "))")
            table.add(
                "index copy into PostgreSQL (hcard serve copy-index), \(copied) rows", "\(format(Double(copied) / copySeconds)) rows/s",
                "\(String(format: "%.0f", copySeconds)) s", ratio: nil, goal: "", met: nil)
        }
        let registrar = try ServeNode.addKey(["--postgres", url], name: "hospital", roles: "registrar")
        let nodes = try (1...2).map { try ServeNode(name: "pg-node-\($0)", arguments: ["--postgres", url], directory: folder) }
        defer { nodes.forEach { $0.stop() } }
        let ports = nodes.map(\.port)
        let requests = try feedRequests(options, key: registrar, count: 60_000, tag: "p")
        var offset = 0
        // Each node's first feed loads its matcher from the tables (every record, normalised).
        for (number, node) in nodes.enumerated() {
            let loadStart = clock.now
            let first = try runLoad(
                ports: [node.port], clients: 1, total: 1, duration: 3_600, request: { [offset] in requests[offset + $0] },
                accept: isOK("\"decision\""))
            try check(first, "first feed on node \(number + 1) (loads the matcher)")
            offset += 1
            print(
                "  node \(number + 1): first feed (matcher load) \(String(format: "%.1f", seconds(loadStart.duration(to: clock.now)))) s; RSS \(Int(node.residentMiB)) MiB")
        }
        for (label, targets) in [("1 node", [ports[0]]), ("2 nodes", ports)] {
            let cpu = nodes.map(\.cpuSeconds)
            let batchesBefore = nodes.map(feedBatches)
            let start = offset
            let result = try runLoad(
                ports: targets, clients: options.clients, total: requests.count - start, duration: options.seconds,
                request: { requests[start + $0] }, accept: isOK("\"decision\""))
            try check(result, "feeds, PostgreSQL, \(label), \(options.clients) clients")
            offset += result.count
            let serverCPU = zip(nodes.map(\.cpuSeconds), cpu).map { $0 - $1 }
            let batches = zip(nodes.map(feedBatches), batchesBefore).map { (batches: $0.batches - $1.batches, feeds: $0.feeds - $1.feeds) }
            let perBatch = batches.map { $0.batches > 0 ? String(format: "%.1f", Double($0.feeds) / Double($0.batches)) : "—" }
            print(
                "  server CPU \(serverCPU.map { String(format: "%.1f", $0) }.joined(separator: " + ")) s for \(result.count) feeds; "
                    + "feeds per transaction \(perBatch.joined(separator: " / ")); load average \(loadAverage())")
            table.add(
                "feeds/s, PostgreSQL, \(label), \(options.clients) clients, \(options.persons) persons copied in (p50 \(ms(result.percentile(0.5))), p99 \(ms(result.percentile(0.99))); feeds per commit \(perBatch.joined(separator: " / ")))",
                "\(format(result.perSecond))/s", "goal 1,000/s", ratio: result.perSecond / 1_000, goal: "≥ 1.00×",
                met: result.perSecond >= 1_000)
        }
    }

    /// The node's group-commit counters from `/metrics`: transactions of feeds, and feeds in them.
    static func feedBatches(_ node: ServeNode) -> (batches: Int, feeds: Int) {
        guard let (status, text) = QRBenchmarks.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(node.port)/metrics"]), status == 0 else {
            return (0, 0)
        }
        func value(_ name: String) -> Int {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
                .map { Int($0) } ?? 0
        }
        return (value("hcard_empi_feed_batches_total"), value("hcard_empi_feed_batch_feeds_total"))
    }

    // MARK: 4. Checkpoint scans

    static func checkpointScans(_ codes: Codes, _ options: Options, _ work: URL, _ table: Table) throws {
        let (node, key, issuer) = try verifierNode("checkpoint", codes, work)
        defer { node.stop() }
        print("\n## checkpoint scans (node on port \(node.port))")
        // Codes the node issued itself: a scan consults its register of issued codes, and a code
        // signed with its key but never registered is denied (`healthCode.notIssued`).
        let texts = try registeredHealthCodes(node, issuer: issuer, codes, count: 1_000)
        let requests = texts.enumerated().map { number, text in
            HTTPRequestBytes(
                "POST", "/v1/checkpoints/CP\(number % 10)/scans", key: key,
                json: "{\"text\":\"\(text)\",\"temperature\":36.5,\"direction\":\"in\",\"department\":\"D\(number % 3)\"}")
        }
        let accept = isOK("\"pass\"")
        try check(try runLoad(ports: [node.port], clients: 1, total: 100, duration: 60, request: { requests[$0] }, accept: accept), "scan warm-up")
        let cpu = node.cpuSeconds
        let result = try runLoad(
            ports: [node.port], clients: options.clients, total: .max, duration: options.seconds,
            request: { requests[$0 % requests.count] }, accept: accept)
        try check(result, "scans, \(options.clients) clients")
        let serverCPU = node.cpuSeconds - cpu

        // Anchor: the pass log's own durable append, one passage per transaction, beside it.
        let log = try PassLog(path: work.appendingPathComponent("checkpoint/anchor-pass-log.sqlite").path)
        let site = try CheckpointSite(id: "CP0", name: "Gate", area: "460100", department: "D0")
        let holder = PassHolder.person(try PersonID(citizenID: "460100195001010010"))
        let count = 500
        let start = ContinuousClock.now
        for _ in 0..<count {
            _ = try log.append(
                Passage(
                    time: Date(), checkpoint: site, direction: .entering,
                    decision: CheckpointDecision(reasons: [], credential: .healthCode, holder: holder, colour: .green, temperature: 36.5)))
        }
        let floorRate = Double(count) / seconds(start.duration(to: .now))
        print("  server CPU \(String(format: "%.1f", serverCPU)) s for \(result.count) scans; pass log alone \(format(floorRate)) appends/s")
        table.add(
            "checkpoint scans/s, durable pass log, \(options.clients) clients (p50 \(ms(result.percentile(0.5))), p99 \(ms(result.percentile(0.99))))",
            "\(format(result.perSecond))/s", "PassLog.append, one durable transaction each: \(format(floorRate))/s",
            ratio: result.perSecond / floorRate, goal: "(none set)", met: nil)
        table.add(
            "checkpoint scans per server CPU second", "\(format(Double(result.count) / serverCPU))/CPU-s", "", ratio: nil,
            goal: "", met: nil)
    }
}
