import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import PostgresNIO

/// A data steward's decisions on the shared tables (empi.md §1.7, §2.2; `PatientIndex+Stewardship`
/// on SQLite): the review queue and its resolution, link, unlink, merge and unmerge. Each is one
/// ``PostgresPatientIndex/write(_:)`` transaction — the revision lock, its rows, its event, one
/// commit — so two stewards on two nodes never act on a state the other has half changed, and a
/// node's matcher follows the new links after the commit. The refusals are the library's
/// (`PatientIndex.onlyRecord`, `alreadyOne`, …).
///
/// "Not the same person" assertions (`empi_assertion`) are kept as in the SQLite index and
/// respected by feeds of known records; merges keep their snapshot in `empi_merge`, and an
/// e-health-card account follows its person through a merge and back (`AccountService+Merge`).
extension PostgresPatientIndex {
    // MARK: Review queue

    public func reviews(all: Bool) async throws -> [ReviewItem] {
        try await database.transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            return try await self.reviewItems(connection, id: nil, openOnly: !all)
        }
    }

    /// Review rows with their record's reference, oldest first.
    func reviewItems(_ connection: PostgresConnection, id: Int64?, openOnly: Bool, lock: Bool = false) async throws -> [ReviewItem] {
        let select = """
            SELECT empi_review.id, empi_record.domain, empi_record.local_id, empi_review.person, empi_review.candidates,
                empi_review.reason, empi_review.status, empi_review.resolution, empi_review.explanation,
                empi_review.created, empi_review.actor
            FROM empi_review JOIN empi_record ON empi_record.id = empi_review.record
            """
        let query: PostgresQuery
        if let id {
            query = "\(unescaped: select) WHERE empi_review.id = \(id) \(unescaped: lock ? "FOR UPDATE OF empi_review" : "")"
        } else {
            query = "\(unescaped: select) \(unescaped: openOnly ? "WHERE empi_review.status = 'open'" : "") ORDER BY empi_review.id"
        }
        return try await connection.rows(query, logger: logger).map { row in
            let (id, domain, localID, person, candidates, reason, status, resolution, explanation, created, actor) =
                try row.decode((Int64, String, String, Int64, String, String, String, String?, String?, String, String?).self)
            return ReviewItem(
                id: id, record: RecordReference(domain: domain, id: localID), person: EnterpriseID(person),
                candidates: try PatientIndex.decode([ReviewItem.Candidate].self, candidates), reason: reason,
                status: ReviewItem.Status(rawValue: status) ?? .open, resolution: resolution,
                explanation: try PatientIndex.expandedExplanation(explanation),
                created: created, actor: actor)
        }
    }

    public func resolveReview(_ id: Int64, _ resolution: ReviewItem.Resolution, actor: String, now: Date?) async throws
        -> ReviewItem
    {
        let stamp = ISO8601Instant.format(now ?? clock.now())
        return try await write { connection, _ in
            try await self.resolveReview(connection, id, resolution, actor: actor, stamp: stamp)
        }
    }

    /// ``PatientIndex/mergeReview(_:into:actor:now:)``: the reviewed record's person merged into
    /// the candidate `survivor` and the item resolved as a link to it, in one transaction.
    public func mergeReview(_ id: Int64, into survivor: EnterpriseID, actor: String, now: Date?) async throws -> ReviewItem {
        let stamp = ISO8601Instant.format(now ?? clock.now())
        return try await write { connection, _ in
            guard let item = try await self.reviewItems(connection, id: id, openOnly: false, lock: true).first else {
                throw PatientIndex.unknownReview(id)
            }
            var candidates = Set<Int64>()
            for candidate in item.candidates {
                if let live = try await self.resolve(connection, candidate.person.rawValue) { candidates.insert(live) }
            }
            guard let target = try await self.resolve(connection, survivor.rawValue), candidates.contains(target) else {
                throw PatientIndex.notACandidate(survivor, review: id)
            }
            let own = try await self.link(ofRecord: try await self.requireRecord(connection, item.record), connection).person
            var changes: [PatientIndex.CacheChange] = []
            if own != target {
                changes += try await self.merge(connection, own, into: target, actor: actor, stamp: stamp).1
            }
            let (resolved, more) = try await self.resolveReview(
                connection, id, .link(EnterpriseID(target)), actor: actor, stamp: stamp)
            return (resolved, changes + more)
        }
    }

    /// ``resolveReview(_:_:actor:now:)`` inside the caller's write transaction.
    func resolveReview(
        _ connection: PostgresConnection, _ id: Int64, _ resolution: ReviewItem.Resolution, actor: String, stamp: String
    ) async throws -> (ReviewItem, [PatientIndex.CacheChange]) {
        guard var item = try await reviewItems(connection, id: id, openOnly: false, lock: true).first else {
            throw PatientIndex.unknownReview(id)
        }
        guard item.status == .open else { throw PatientIndex.alreadyResolved(item) }
        let recordRow = try await requireRecord(connection, item.record)
        var changes: [PatientIndex.CacheChange] = []
        let text: String
        switch resolution {
        case .link(let person):
            let target = try await requireLivePerson(connection, person)
            _ = try await manualLink(connection, row: recordRow, record: item.record, to: target, actor: actor, stamp: stamp)
            changes.append(.assign(row: recordRow, person: target))
            text = "link:\(target)"
        case .separate:
            let own = try await link(ofRecord: recordRow, connection).person
            for candidate in item.candidates {
                guard let live = try await resolve(connection, candidate.person.rawValue), live != own else { continue }
                try await assertNotSame(connection, record: recordRow, person: live, actor: actor, stamp: stamp)
            }
            text = "separate"
        }
        try await connection.query(
            """
            UPDATE empi_review SET status = 'resolved', resolution = \(text), actor = \(actor), resolved = \(stamp)
            WHERE id = \(id)
            """, logger: logger)
        item.status = .resolved
        item.resolution = text
        item.actor = actor
        return (item, changes)
    }

    // MARK: Link, unlink

    public func link(_ record: RecordReference, to person: EnterpriseID, actor: String, now: Date?) async throws
        -> PatientIndex.StewardshipResult
    {
        let stamp = ISO8601Instant.format(now ?? clock.now())
        return try await write { connection, _ in
            let row = try await self.requireRecord(connection, record)
            let target = try await self.requireLivePerson(connection, person)
            let result = try await self.manualLink(connection, row: row, record: record, to: target, actor: actor, stamp: stamp)
            return (result, [.assign(row: row, person: target)])
        }
    }

    public func unlink(_ record: RecordReference, actor: String, now: Date?) async throws -> PatientIndex.StewardshipResult {
        let stamp = ISO8601Instant.format(now ?? clock.now())
        return try await write { connection, _ in
            let logger = self.logger
            let row = try await self.requireRecord(connection, record)
            let from = try await self.link(ofRecord: row, connection).person
            let count = try await connection.rows("SELECT count(*) FROM empi_link WHERE person = \(from)", logger: logger)
                .first!.decode(Int64.self)
            guard count > 1 else { throw PatientIndex.onlyRecord(record, of: from) }
            let person = try await self.newPerson(connection, stamp: stamp)
            try await connection.query(
                """
                UPDATE empi_link SET person = \(person), provenance = \(LinkProvenance.manual.rawValue), probability = NULL,
                    explanation = NULL, time = \(stamp), actor = \(actor)
                WHERE record = \(row)
                """, logger: logger)
            try await self.assertNotSame(connection, record: row, person: from, actor: actor, stamp: stamp)
            try await self.refreshGolden(connection, person: person)
            try await self.refreshGolden(connection, person: from)
            let event = try await self.appendEvent(
                connection, .unlink, person: person, record: record, payload: ["from": .number(Double(from))], actor: actor,
                stamp: stamp)
            return (
                PatientIndex.StewardshipResult(
                    record: record, person: EnterpriseID(person), other: EnterpriseID(from), event: event),
                [.assign(row: row, person: person)]
            )
        }
    }

    // MARK: Merge, unmerge

    public func merge(_ subsumed: EnterpriseID, into survivor: EnterpriseID, actor: String, now: Date?) async throws
        -> PatientIndex.StewardshipResult
    {
        let stamp = ISO8601Instant.format(now ?? clock.now())
        return try await write { connection, _ in
            let from = try await self.requireLivePerson(connection, subsumed)
            let to = try await self.requireLivePerson(connection, survivor)
            guard from != to else { throw PatientIndex.alreadyOne(subsumed, survivor, live: to) }
            return try await self.merge(connection, from, into: to, actor: actor, stamp: stamp)
        }
    }

    /// Merges live person `from` into live person `to` (two different persons) inside the
    /// caller's write transaction, keeping the snapshot that unmerge restores.
    func merge(_ connection: PostgresConnection, _ from: Int64, into to: Int64, actor: String, stamp: String) async throws
        -> (PatientIndex.StewardshipResult, [PatientIndex.CacheChange])
    {
        let links = try await connection.rows(
            """
            SELECT record, person, provenance, probability, explanation, time, actor FROM empi_link
            WHERE person = \(from) ORDER BY record
            """, logger: logger
        ).map { row in
            let (record, person, provenance, probability, explanation, time, actor) = try row.decode(
                (Int64, Int64, String, Double?, String?, String, String).self)
            return PatientIndex.MergeSnapshot.LinkRow(
                record: record, person: person, provenance: provenance, probability: probability,
                explanation: explanation, time: time, actor: actor)
        }
        var snapshot = PatientIndex.MergeSnapshot(
            subsumedGolden: try await golden(connection, from), survivorGolden: try await golden(connection, to), links: links)
        try await connection.query("UPDATE empi_link SET person = \(to) WHERE person = \(from)", logger: logger)
        try await connection.query(
            "UPDATE empi_person SET status = 'merged', merged_into = \(to) WHERE id = \(from)", logger: logger)
        snapshot.accounts = try await accountsMerged(connection, subsumed: from, survivor: to)
        let mergeID = try await connection.rows(
            """
            INSERT INTO empi_merge (subsumed, survivor, snapshot, actor, time)
            VALUES (\(from), \(to), \(try PatientIndex.json(snapshot)), \(actor), \(stamp)) RETURNING id
            """, logger: logger
        ).first!.decode(Int64.self)
        try await refreshGolden(connection, person: to)
        var payload: [String: JSONValue] = ["subsumed": .number(Double(from)), "merge": .number(Double(mergeID))]
        if let accounts = snapshot.accounts, !accounts.isEmpty { payload["accounts"] = .array(accounts.map(JSONValue.string)) }
        let event = try await appendEvent(connection, .merge, person: to, record: nil, payload: payload, actor: actor, stamp: stamp)
        return (
            PatientIndex.StewardshipResult(record: nil, person: EnterpriseID(to), other: EnterpriseID(from), event: event),
            links.map { .assign(row: $0.record, person: to) }
        )
    }

    public func unmerge(_ subsumed: EnterpriseID, actor: String, now: Date?) async throws -> PatientIndex.StewardshipResult {
        let stamp = ISO8601Instant.format(now ?? clock.now())
        return try await write { connection, _ in
            let logger = self.logger
            guard let history = try await connection.rows(
                """
                SELECT id, survivor, snapshot FROM empi_merge WHERE subsumed = \(subsumed.rawValue) AND undone IS NULL
                ORDER BY id DESC LIMIT 1
                """, logger: logger
            ).first else { throw PatientIndex.notMerged(subsumed) }
            let (mergeID, survivor, snapshotText) = try history.decode((Int64, Int64, String).self)
            let mergedInto = try await connection.rows(
                "SELECT merged_into FROM empi_person WHERE id = \(subsumed.rawValue)", logger: logger
            ).first?.decode(Int64?.self)
            guard mergedInto == survivor else { throw PatientIndex.notMergedAnyMore(subsumed, into: survivor) }
            let snapshot = try PatientIndex.decode(PatientIndex.MergeSnapshot.self, snapshotText)
            for link in snapshot.links {
                let current = try await connection.rows(
                    "SELECT person FROM empi_link WHERE record = \(link.record)", logger: logger
                ).first?.decode(Int64.self)
                guard current == survivor else {
                    throw PatientIndex.relinkedSinceMerge(subsumed, try await self.reference(connection, row: link.record))
                }
                try await connection.query(
                    """
                    UPDATE empi_link SET person = \(link.person), provenance = \(link.provenance),
                        probability = \(link.probability), explanation = \(link.explanation), time = \(link.time),
                        actor = \(link.actor)
                    WHERE record = \(link.record)
                    """, logger: logger)
            }
            try await connection.query(
                """
                UPDATE empi_person SET status = 'active', merged_into = NULL, golden = \(snapshot.subsumedGolden)
                WHERE id = \(subsumed.rawValue)
                """, logger: logger)
            for account in snapshot.accounts ?? [] {
                try await connection.query(
                    """
                    UPDATE account SET person = \(subsumed.rawValue) WHERE ecard_id = \(account) AND person = \(survivor)
                    """, logger: logger)
            }
            try await self.refreshGolden(connection, person: survivor)
            try await connection.query("UPDATE empi_merge SET undone = \(stamp) WHERE id = \(mergeID)", logger: logger)
            let event = try await self.appendEvent(
                connection, .unmerge, person: subsumed.rawValue, record: nil,
                payload: ["survivor": .number(Double(survivor)), "merge": .number(Double(mergeID))], actor: actor,
                stamp: stamp)
            return (
                PatientIndex.StewardshipResult(record: nil, person: subsumed, other: EnterpriseID(survivor), event: event),
                snapshot.links.map { .assign(row: $0.record, person: $0.person) }
            )
        }
    }

    // MARK: Rows (inside the caller's transaction)

    func newPerson(_ connection: PostgresConnection, stamp: String) async throws -> Int64 {
        try await connection.rows(
            "INSERT INTO empi_person (status, golden, created) VALUES ('active', '{}', \(stamp)) RETURNING id", logger: logger
        ).first!.decode(Int64.self)
    }

    func golden(_ connection: PostgresConnection, _ person: Int64) async throws -> String {
        try await connection.rows("SELECT golden FROM empi_person WHERE id = \(person)", logger: logger)
            .first?.decode(String.self) ?? "{}"
    }

    func reference(_ connection: PostgresConnection, row: Int64) async throws -> RecordReference {
        guard let found = try await connection.rows(
            "SELECT domain, local_id FROM empi_record WHERE id = \(row)", logger: logger
        ).first else { return RecordReference(domain: "", id: "") }
        let (domain, id) = try found.decode((String, String).self)
        return RecordReference(domain: domain, id: id)
    }

    /// A persistent "not the same person" assertion between record `row` and `person`.
    func assertNotSame(_ connection: PostgresConnection, record row: Int64, person: Int64, actor: String, stamp: String)
        async throws
    {
        try await connection.query(
            """
            INSERT INTO empi_assertion (record, person, time, actor) VALUES (\(row), \(person), \(stamp), \(actor))
            ON CONFLICT (record, person) DO UPDATE SET time = EXCLUDED.time, actor = EXCLUDED.actor
            """, logger: logger)
    }

    /// A manual link withdraws an assertion between the record and its new person.
    func withdrawAssertion(_ connection: PostgresConnection, record row: Int64, person: Int64) async throws {
        try await connection.query(
            "DELETE FROM empi_assertion WHERE record = \(row) AND person = \(person)", logger: logger)
    }

    /// The live persons record `row` is asserted not to be (`PatientIndex.notSamePersons`).
    func notSamePersons(_ connection: PostgresConnection, row: Int64) async throws -> Set<Int> {
        var result = Set<Int>()
        for person in try await connection.rows("SELECT person FROM empi_assertion WHERE record = \(row)", logger: logger) {
            if let live = try await resolve(connection, try person.decode(Int64.self)) { result.insert(Int(live)) }
        }
        return result
    }

    /// `AccountService.personMerged`: the subsumed person's account moves to the survivor unless
    /// the survivor has one; returns the moved e-card IDs for the merge's snapshot.
    func accountsMerged(_ connection: PostgresConnection, subsumed: Int64, survivor: Int64) async throws -> [String] {
        guard try await connection.rows("SELECT 1 FROM account WHERE person = \(survivor)", logger: logger).isEmpty else {
            return []
        }
        return try await connection.rows(
            "UPDATE account SET person = \(survivor) WHERE person = \(subsumed) RETURNING ecard_id", logger: logger
        ).map { try $0.decode(String.self) }
    }
}
