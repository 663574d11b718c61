import Foundation
import Synchronization
import GRDB
import EMPI
import HealthCardFoundation

/// The answer to ``PatientIndex/ingest(_:actor:now:progress:)``.
public struct IngestSummary: Sendable, Hashable, Codable {
    public var records: Int
    public var registered: Int
    public var updated: Int
    public var unchanged: Int
    /// Records not stored (unknown domain).
    public var rejected: Int
    public var newPersons: Int
    public var linked: Int
    public var reviewItems: Int
    /// Every problem, with its line and record ID; stored records may have issues too.
    public var issues: [RecordIssue]
}

/// Bulk ingest (empi.md §2.2): a batch upserted and linked with `Deduplicator` in one transaction.
///
/// What keeps it fast (measured in Docs/empi.md, "Persistent ingest"): one transaction and one
/// commit for the whole batch (nothing is acknowledged before the commit, so nothing acknowledged
/// can be lost); records already stored are found in the in-memory state rather than by a query
/// each; every statement is a cached prepared one, and cross-index entries, links and events go 64
/// rows to a statement (`BatchedInsert`); the stored JSON is written by `IndexJSON`, and
/// explanations as the pairs' evidence (`StoredEvidence`, layout `x3`); the deduplicator runs on the other
/// threads while this one writes the new records' rows, and its blocking index and term
/// frequencies become the matcher's rather than being built again; golden records are derived
/// from the records in memory rather than decoded back from the file, and a new person is inserted
/// with its golden record in one statement; the new persons' golden records and the links'
/// explanations are computed on the other threads while this one writes the rows before them
/// (`ParallelStream`), explanations from the levels the deduplicator scored (not compared again),
/// and links go in record order (the `link` table's key), not cluster by cluster; the unique-identifier check
/// is one pass over the batch's identifiers, plus one indexed lookup per identifier when the
/// index held records before.
extension PatientIndex {
    /// Ingests a batch (a CSV read through a `FieldMapping`) in one transaction: records with an
    /// unknown domain are rejected and reported, the rest upserted; then every stored record is
    /// run through `Deduplicator` with the index's model (no estimation) and the stored
    /// "not the same person" assertions as cannot-link constraints, and each *new* record joins
    /// the person its cluster already has, or a new person. Records already linked keep their
    /// links; a cluster that would join two existing persons is not merged but queued for review,
    /// as is every review-band pair across persons. Into an empty index this gives exactly the
    /// clusters `hcard empi dedupe` reports for the same file and model.
    ///
    /// A record whose domain and ID an earlier record of the batch has is rejected with a
    /// `duplicateRecordID` issue naming both lines; the rest of the batch is ingested.
    public func ingest(
        _ records: [PersonRecord], actor: String = "ingest", now: Date? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> IngestSummary {
        let now = now ?? clock.now()
        return try write { db, state in
            // A batch writes far more pages than SQLite's default 2 MB cache holds; spilled pages are
            // written to the WAL and read back before the commit. A larger cache while the batch runs.
            try db.execute(sql: "PRAGMA cache_size = \(Self.ingestCacheSize)")
            defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
            let domains = try Self.domains(db)
            let today = normalizer.today
            var summary = IngestSummary(
                records: records.count, registered: 0, updated: 0, unchanged: 0, rejected: 0, newPersons: 0, linked: 0,
                reviewItems: 0, issues: [])
            let version = try Self.revision(db) + 1
            var all = state.raw
            var rowIDs = state.rowIDs
            var positionOfRow = state.positionOfRow
            positionOfRow.reserveCapacity(state.positionOfRow.count + records.count)  // grown once, not by doubling
            var versions = state.versions
            var fresh: [Int] = []  // positions in `all` of new records
            var entriesOf: [Int: [IdentifierEntry]] = Dictionary(minimumCapacity: records.count)  // their cross-index entries
            var inputKeys = Set<String>(minimumCapacity: records.count)
            let stamp = Self.stamp(now)
            var touched = Set<Int64>()
            var firstLine: [RecordReference: Int?] = Dictionary(minimumCapacity: records.count)
            var added: [PersonRecord] = []  // new records, in input order
            var storedRow: [RecordReference: Int64] = Dictionary(minimumCapacity: all.count)
            for (position, record) in all.enumerated() {
                storedRow[RecordReference(domain: record.domain, id: record.id)] = rowIDs[position]
            }
            let insertRecord = try db.cachedStatement(
                sql: "INSERT INTO record (domain, localId, data, version, created, updated) VALUES (?, ?, ?, ?, ?, ?)")
            for (number, record) in records.enumerated() {
                if number % 1_000 == 0 { progress?(number, records.count) }
                if Self.check(record, domains: domains, today: today, issues: &summary.issues) {
                    summary.rejected += 1
                    continue
                }
                let key = RecordReference(domain: record.domain, id: record.id)
                if let earlier = firstLine[key] {
                    summary.rejected += 1
                    summary.issues.append(
                        RecordIssue(
                            kind: .duplicateRecordID, line: record.line, recordID: record.id, field: "recordID",
                            message: "record ID \(record.id) in domain \(record.domain) is already on "
                                + (earlier.map { "line \($0)" } ?? "an earlier record") + "; this line is rejected"))
                    continue
                }
                firstLine[key] = record.line
                inputKeys.insert("\(record.line ?? 0)\u{1}\(record.id)")
                if let row = storedRow[key], let position = positionOfRow[row] {
                    guard all[position] != record else {
                        summary.unchanged += 1
                        continue
                    }
                    let replaced = try Self.replaceData(db, row: row, with: record, version: version, stamp: stamp)
                    try Self.writeIdentifiers(db, row: row, record: record, domains: domains, today: today)
                    let person = try Self.person(ofRecord: row, db)
                    touched.insert(person)
                    try Self.appendEvent(db, .update, person: person, record: key, payload: [:], actor: actor, now: now)
                    all[position] = record
                    versions[position] = replaced
                    summary.updated += 1
                    continue
                }
                added.append(record)
            }
            progress?(records.count, records.count)

            // Every record the deduplicator scores, new ones at the positions their rows will get.
            let oldCount = state.raw.count
            for record in added {
                fresh.append(all.count)
                all.append(record)
                versions.append(version)
            }

            // Assertions as record pairs: the record against every record of the asserted person
            // (only stored records carry assertions, so this needs no row of the batch).
            var personOf = state.matcher.personOfRecord.map { Int64($0) }
            var recordsOfPerson: [Int64: [Int]] = [:]
            for (position, person) in personOf.enumerated() { recordsOfPerson[person, default: []].append(position) }
            var notSame = Set<RecordPair>()
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT record, person FROM assertion")) {
                guard let position = positionOfRow[row["record"]], let person = try Self.resolve(db, row["person"])
                else { continue }
                for other in recordsOfPerson[person] ?? [] where other != position {
                    notSame.insert(RecordPair(position, other))
                }
            }

            // The deduplicator runs on the other threads while this one writes the new rows: the
            // two need nothing of each other, and SQLite's writes are one thread's work anyway.
            let deduplicator = Deduplicator(
                model: model, blocker: blocker, normalizer: normalizer, estimator: nil, minimumReportedBand: .review)
            let deduplicated = Mutex<Deduplicator.Result?>(nil)
            let running = DispatchGroup()
            DispatchQueue.global().async(group: running) { [all, notSame] in
                let result = deduplicator.run(all, notSamePerson: notSame)
                deduplicated.withLock { $0 = result }
            }
            defer { running.wait() }  // also when a write fails: nothing of the batch outlives the call
            // New records' rows in input order, each with its JSON and cross-index entries (those
            // 64 rows to a statement: nothing reads the cross-index before the flush).
            var identifierRows = BatchedInsert(
                db, "INSERT OR IGNORE INTO identifier (domain, value, record)", row: "(?, ?, ?)", columns: 3)
            for (number, record) in added.enumerated() {
                let entries = Self.identifierEntries(record, domains: domains, today: today)
                try insertRecord.execute(
                    arguments: [record.domain, record.id, IndexJSON.record(record), version, stamp, stamp])
                let row = db.lastInsertedRowID
                for entry in entries { try identifierRows.append([entry.domain, entry.value, row]) }
                positionOfRow[row] = oldCount + number
                entriesOf[oldCount + number] = entries
                rowIDs.append(row)
                summary.registered += 1
            }
            try identifierRows.flush()
            running.wait()
            let result = deduplicated.withLock { $0! }
            summary.issues += result.issues.filter { inputKeys.contains("\($0.line ?? 0)\u{1}\($0.recordID ?? "")") }

            // The strongest auto-link pair of each record within its cluster, for the link's explanation.
            let cluster = result.clusterOfRecord
            var bestPair: [Int: Deduplicator.Pair] = Dictionary(minimumCapacity: all.count)
            for pair in result.pairs where pair.decision == .autoLink && cluster[pair.a] == cluster[pair.b] {
                for end in [pair.a, pair.b] where bestPair[end].map({ $0.weight < pair.weight }) ?? true {
                    bestPair[end] = pair
                }
            }
            let scored = all
            let scoredRows = rowIDs
            let scoredVersions = versions
            @Sendable func explanation(_ pair: Deduplicator.Pair) throws -> String {
                try storedEvidence(
                    (scoredRows[pair.a], scoredVersions[pair.a]), result.normalized[pair.a],
                    (scoredRows[pair.b], scoredVersions[pair.b]), result.normalized[pair.b], levels: pair.levels,
                    blockingRules: pair.blockingRules, notSamePerson: pair.vetoes.contains(.notSamePerson))
            }

            // Persons: each cluster with new records joins the one existing person it has, or gets a
            // new person (also when it would join several: those are queued for review below).
            personOf += [Int64](repeating: 0, count: all.count - oldCount)
            let freshSet = Set(fresh)
            var contested: [Int: [Int64]] = [:]
            var newPersonMembers: [[Int]] = []  // the new records of each cluster that gets a new person
            for members in result.clusters {
                let new = members.filter { freshSet.contains($0) }
                guard !new.isEmpty else { continue }
                let existing = Set(members.filter { $0 < oldCount }.map { personOf[$0] }).sorted()
                if existing.count == 1 {
                    for position in new { personOf[position] = existing[0] }
                    summary.linked += new.count
                    touched.insert(existing[0])
                } else {
                    if existing.count > 1 { for position in new { contested[position] = existing } }
                    newPersonMembers.append(new)
                }
            }
            // Golden records of the new persons and the explanations of the new links (each new
            // record's strongest pair) are computed on the other threads while this one writes: the
            // persons (each with its golden record, one INSERT), then links and events in record order.
            @Sendable func source(_ position: Int) -> Survivorship.Source {
                Survivorship.Source(
                    record: scored[position], trust: domains[scored[position].domain]?.trust ?? 0,
                    version: scoredVersions[position])
            }
            let newGoldens = ParallelStream(count: newPersonMembers.count) { [newPersonMembers, survivorship] number in
                IndexJSON.golden(survivorship.golden(newPersonMembers[number].map(source)))
            }
            defer { newGoldens.finish() }
            let linked = fresh.filter { bestPair[$0] != nil }
            let linkExplanations = ParallelStream(count: linked.count) { [bestPair] number in
                try explanation(bestPair[linked[number]]!)
            }
            defer { linkExplanations.finish() }
            let insertPerson = try db.cachedStatement(
                sql: "INSERT INTO person (status, golden, created) VALUES ('active', ?, ?)")
            for (number, members) in newPersonMembers.enumerated() {
                try insertPerson.execute(arguments: [try newGoldens.element(number), stamp])
                let person = db.lastInsertedRowID
                for position in members { personOf[position] = person }
                summary.newPersons += 1
            }

            // The new records' persons are known: their identifiers' conflicts among the batch are
            // found on another thread while this one writes links and events.
            let batchUniqueness = ParallelStream(count: 1) { [fresh, entriesOf, personOf] _ in
                Self.batchUniqueness(fresh: fresh, entriesOf: entriesOf, personOf: personOf, domains: domains)
            }
            defer { batchUniqueness.finish() }

            // Review: review-band pairs (and vetoed auto-links) across persons involving a new record,
            // and clusters that would have joined several existing persons.
            var reviewCandidates: [Int: [Int64: (probability: Double, pair: Deduplicator.Pair?)]] = [:]
            for pair in result.pairs where personOf[pair.a] != personOf[pair.b] {
                for (mine, other) in [(pair.b, pair.a), (pair.a, pair.b)] where freshSet.contains(mine) {
                    let person = personOf[other]
                    if let known = reviewCandidates[mine]?[person], known.probability >= pair.probability { break }
                    reviewCandidates[mine, default: [:]][person] = (pair.probability, pair)
                    break
                }
            }
            for (position, persons) in contested {
                for person in persons where reviewCandidates[position]?[person] == nil {
                    reviewCandidates[position, default: [:]][person] = (0, nil)
                }
            }

            // Links and register events, in record order, 64 rows to a statement (new records have
            // no link yet, so a plain INSERT: a link already there fails the ingest).
            var linkRows = BatchedInsert(
                db, "INSERT INTO link (record, person, provenance, probability, explanation, time, actor)",
                row: "(?, ?, ?, ?, ?, ?, ?)", columns: 7)
            var eventRows = BatchedInsert(
                db, "INSERT INTO event (kind, person, recordDomain, recordId, payload, actor, time)",
                row: "(?, ?, ?, ?, ?, ?, ?)", columns: 7)
            var payloads: [FeedDecision: String] = [:]
            var linkNumber = 0
            for position in fresh {
                var provenance = LinkProvenance.auto
                var probability: Double?
                var text: String?
                if let pair = bestPair[position] {
                    provenance = pair.deterministicRule != nil ? .deterministic : .auto
                    probability = pair.probability
                    text = try linkExplanations.element(linkNumber)
                    linkNumber += 1
                }
                try linkRows.append([rowIDs[position], personOf[position], provenance.rawValue, probability, text, stamp, actor])
                let record = all[position]
                let decision =
                    reviewCandidates[position] != nil
                    ? FeedDecision.review : (bestPair[position] != nil ? FeedDecision.linked : FeedDecision.newPerson)
                if payloads[decision] == nil { payloads[decision] = try IndexJSON.payload(["decision": .string(decision.rawValue)]) }
                try eventRows.append([
                    IndexEvent.Kind.register.rawValue, personOf[position], record.domain, record.id, payloads[decision], actor, stamp,
                ])
            }
            try linkRows.flush()
            try eventRows.flush()

            let reviewed = reviewCandidates.keys.sorted()
            let ranked = reviewed.map { position in
                reviewCandidates[position]!.sorted { ($0.value.probability, -$0.key) > ($1.value.probability, -$1.key) }
            }
            let reviewExplanations = try [String?].parallel(count: reviewed.count, chunkSize: 256) { [ranked] number in
                try ranked[number][0].value.pair.map(explanation)
            }
            for (number, position) in reviewed.enumerated() {
                let candidates = ranked[number].map {
                    ReviewItem.Candidate(person: EnterpriseID($0.key), probability: $0.value.probability)
                }
                _ = try Self.queueReview(
                    db, record: rowIDs[position], person: personOf[position], candidates: candidates,
                    reason: contested[position] != nil ? "several-auto-links" : "review-band",
                    explanation: reviewExplanations[number], now: now)
                summary.reviewItems += 1
            }
            let conflicts = try Self.uniquenessConflicts(
                db, batch: try batchUniqueness.element(0), fresh: fresh, personOf: personOf,
                firstFreshRow: fresh.first.map { rowIDs[$0] })
            for position in fresh where reviewCandidates[position] == nil {
                guard let others = conflicts[position] else { continue }
                _ = try Self.queueReview(
                    db, record: rowIDs[position], person: personOf[position],
                    candidates: others.map { ReviewItem.Candidate(person: EnterpriseID($0), probability: 0) },
                    reason: "identifier-conflict", explanation: nil, now: now)
                summary.reviewItems += 1
            }

            // Golden records of existing persons that gained or changed records (from the records in
            // memory, as `refreshGolden` derives them from the file).
            recordsOfPerson = [:]
            for (position, person) in personOf.enumerated() where touched.contains(person) {
                recordsOfPerson[person, default: []].append(position)
            }
            let goldenPersons = touched.sorted()
            let goldens = try [String].parallel(count: goldenPersons.count) { [recordsOfPerson, survivorship] number in
                IndexJSON.golden(survivorship.golden((recordsOfPerson[goldenPersons[number]] ?? []).map(source)))
            }
            for (person, golden) in zip(goldenPersons, goldens) {
                try db.cachedStatement(sql: "UPDATE person SET golden = ? WHERE id = ?").execute(arguments: [golden, person])
            }
            // The matcher over exactly what was scored: the deduplicator's records, frequencies and blocking index.
            let matcher = RecordMatcher(
                normalized: result.normalized, persons: personOf.map { Int($0) }, termFrequencies: result.termFrequencies!,
                index: result.candidateIndex!, scorer: scorer, normalizer: normalizer)
            let next = MatchState(
                revision: 0, matcher: matcher, rowIDs: rowIDs, positionOfRow: positionOfRow, raw: all, versions: versions)
            return (summary, fresh.isEmpty && summary.updated == 0 ? [] : [.replace(next)])
        }
    }

    /// The writer's page cache during a bulk ingest (SQLite `cache_size`: negative = KiB): 256 MiB,
    /// enough for the pages of a 100,000-record batch; SQLite's default (2 MiB) again afterwards.
    public static let ingestCacheSize = -262_144

    /// The unique-domain identifiers of a batch's new records and the conflicts among them: the
    /// in-memory half of ``uniquenessConflicts(_:batch:fresh:personOf:firstFreshRow:)``, which
    /// needs no database, so a bulk ingest computes it on another thread while it writes links.
    struct BatchUniqueness: Sendable {
        /// Each new record's unique-domain entries, each once, in the order of `fresh`.
        var entries: [[IdentifierEntry]]
        /// For each new record holding one, the other persons among the batch's new records that
        /// hold one of its unique-domain identifiers.
        var others: [Int: Set<Int64>]
    }

    /// ``BatchUniqueness`` of the new records `fresh` (positions), with their cross-index entries
    /// and every position's person.
    static func batchUniqueness(
        fresh: [Int], entriesOf: [Int: [IdentifierEntry]], personOf: [Int64], domains: [String: IdentifierDomain]
    ) -> BatchUniqueness {
        let unique = Set(domains.values.filter { $0.uniqueness == .unique }.map(\.code))
        // Each new record's unique-domain entries, each once (a record has a handful: no set needed).
        let entries = fresh.map { position in
            var kept: [IdentifierEntry] = []
            for entry in entriesOf[position] ?? [] where unique.contains(entry.domain) && !kept.contains(entry) {
                kept.append(entry)
            }
            return kept
        }
        // An identifier's first holder, and every holder of the few that more than one record holds.
        var firstHolder: [IdentifierEntry: Int] = Dictionary(minimumCapacity: entries.reduce(0) { $0 + $1.count })
        var shared: [IdentifierEntry: [Int]] = [:]
        for (position, kept) in zip(fresh, entries) {
            for entry in kept {
                if let first = firstHolder[entry] {
                    shared[entry, default: [first]].append(position)
                } else {
                    firstHolder[entry] = position
                }
            }
        }
        var others: [Int: Set<Int64>] = [:]
        for holders in shared.values {
            for position in holders {
                for other in holders where personOf[other] != personOf[position] {
                    others[position, default: []].insert(personOf[other])
                }
            }
        }
        return BatchUniqueness(entries: entries, others: others)
    }

    /// ``checkUniqueness(_:row:person:domains:explanation:now:)`` for every new record of a batch
    /// at once: for each, the other persons (ascending) holding one of its unique-domain
    /// identifiers, among the batch's records (`batch`, in memory) and the records stored before
    /// it (one indexed lookup per identifier, none into an empty index). Records without a
    /// conflict are absent.
    static func uniquenessConflicts(
        _ db: Database, batch: BatchUniqueness, fresh: [Int], personOf: [Int64], firstFreshRow: Int64?
    ) throws -> [Int: [Int64]] {
        guard let firstFreshRow else { return [:] }
        let storedBefore = try Int64.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM record WHERE id < ?)"), arguments: [firstFreshRow]) == 1
        guard storedBefore else { return batch.others.mapValues { $0.sorted() } }
        let lookup = try db.cachedStatement(sql: """
                SELECT DISTINCT link.person FROM identifier JOIN link ON link.record = identifier.record
                WHERE identifier.domain = ? AND identifier.value = ? AND identifier.record < ?
                """)
        var earlier: [IdentifierEntry: [Int64]] = [:]
        var conflicts: [Int: [Int64]] = [:]
        for (position, entries) in zip(fresh, batch.entries) {
            let own = personOf[position]
            var others = batch.others[position] ?? []
            for entry in entries {
                if earlier[entry] == nil {
                    earlier[entry] = try Int64.fetchAll(lookup, arguments: [entry.domain, entry.value, firstFreshRow])
                }
                for person in earlier[entry]! where person != own { others.insert(person) }
            }
            if !others.isEmpty { conflicts[position] = others.sorted() }
        }
        return conflicts
    }
}
