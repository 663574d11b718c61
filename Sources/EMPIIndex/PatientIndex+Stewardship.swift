import Foundation
import GRDB
import HealthCardFoundation

/// Manual decisions of a data steward (empi.md §1.7, §2.2): link, unlink, merge, unmerge and review
/// resolution. Each is one transaction, appends its event, and leaves links of other records alone.
extension PatientIndex {
    /// The record's person after a stewardship operation.
    public struct StewardshipResult: Sendable, Hashable, Codable {
        public var record: RecordReference?
        public var person: EnterpriseID
        /// The person the record left (unlink, link) or the subsumed person (merge, unmerge).
        public var other: EnterpriseID?
        public var event: Int64

        package init(record: RecordReference?, person: EnterpriseID, other: EnterpriseID?, event: Int64) {
            self.record = record
            self.person = person
            self.other = other
            self.event = event
        }
    }

    /// Links `record` to `person` by hand (provenance `manual`), withdrawing any "not the same
    /// person" assertion between them. Automatic matching never undoes a manual link.
    public func link(
        _ record: RecordReference, to person: EnterpriseID, actor: String, now: Date? = nil
    ) throws -> StewardshipResult {
        let now = now ?? clock.now()
        return try write { db, _ in
            let row = try Self.requireRecord(db, record)
            let target = try Self.requireLivePerson(db, person)
            let result = try Self.manualLink(db, row: row, record: record, to: target, actor: actor, now: now, survivorship: survivorship)
            return (result, [.assign(row: row, person: target)])
        }
    }

    static func manualLink(
        _ db: Database, row: Int64, record: RecordReference, to target: Int64, actor: String, now: Date,
        survivorship: Survivorship
    ) throws -> StewardshipResult {
        let from = try person(ofRecord: row, db)
        try db.cachedStatement(sql: "DELETE FROM assertion WHERE record = ? AND person = ?").execute( arguments: [row, target])
        try setLink(
            db, record: row, person: target, provenance: .manual, probability: nil, explanation: nil, actor: actor,
            now: now)
        try refreshGolden(db, person: target, survivorship: survivorship)
        if from != target { try refreshGolden(db, person: from, survivorship: survivorship) }
        let event = try appendEvent(
            db, .link, person: target, record: record, payload: ["from": .number(Double(from))], actor: actor, now: now)
        return StewardshipResult(record: record, person: EnterpriseID(target), other: EnterpriseID(from), event: event)
    }

    /// Takes `record` out of its person into a new person (provenance `manual`) and stores a
    /// persistent "not the same person" assertion between the record and its former person, which
    /// matching respects from then on (veto `not-same-person`, also across re-ingest).
    ///
    /// - Throws: `invalidOperation` when the record is its person's only record.
    public func unlink(_ record: RecordReference, actor: String, now: Date? = nil) throws -> StewardshipResult {
        let now = now ?? clock.now()
        return try write { db, _ in
            let row = try Self.requireRecord(db, record)
            let from = try Self.person(ofRecord: row, db)
            let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM link WHERE person = ?"), arguments: [from]) ?? 0
            guard count > 1 else {
                throw Self.onlyRecord(record, of: from)
            }
            let person = try Self.newPerson(db, now: now)
            try Self.setLink(
                db, record: row, person: person, provenance: .manual, probability: nil, explanation: nil, actor: actor,
                now: now)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO assertion (record, person, time, actor) VALUES (?, ?, ?, ?)").execute(
                arguments: [row, from, Self.stamp(now), actor])
            try Self.refreshGolden(db, person: person, survivorship: survivorship)
            try Self.refreshGolden(db, person: from, survivorship: survivorship)
            let event = try Self.appendEvent(
                db, .unlink, person: person, record: record, payload: ["from": .number(Double(from))], actor: actor,
                now: now)
            return (
                StewardshipResult(record: record, person: EnterpriseID(person), other: EnterpriseID(from), event: event),
                [.assign(row: row, person: person)]
            )
        }
    }

    /// What a merge changed, kept in `mergeHistory` so ``unmerge(_:actor:now:)`` can restore it.
    /// (Also the PostgreSQL index's merge history.)
    package struct MergeSnapshot: Codable, Sendable {
        package struct LinkRow: Codable, Equatable, Sendable {
            package var record: Int64
            package var person: Int64
            package var provenance: String
            package var probability: Double?
            package var explanation: String?
            package var time: String
            package var actor: String

            package init(
                record: Int64, person: Int64, provenance: String, probability: Double?, explanation: String?, time: String,
                actor: String
            ) {
                self.record = record
                self.person = person
                self.provenance = provenance
                self.probability = probability
                self.explanation = explanation
                self.time = time
                self.actor = actor
            }
        }
        package var subsumedGolden: String
        package var survivorGolden: String
        package var links: [LinkRow]
        /// E-health-card accounts that moved to the survivor with the person (``AccountService``);
        /// absent in snapshots written before accounts followed merges.
        package var accounts: [String]?

        package init(subsumedGolden: String, survivorGolden: String, links: [LinkRow], accounts: [String]? = nil) {
            self.subsumedGolden = subsumedGolden
            self.survivorGolden = survivorGolden
            self.links = links
            self.accounts = accounts
        }
    }

    /// Merges person `subsumed` into `survivor` (empi.md §2.2 merge, ITI-8 A40): the survivor keeps
    /// both sets of records, the subsumed ID is retired and redirects to the survivor, and the
    /// previous state is kept in the merge history for ``unmerge(_:actor:now:)``. An e-health-card
    /// account of the subsumed person follows it to the survivor
    /// (`AccountService+Merge.swift`) and goes back on unmerge.
    public func merge(
        _ subsumed: EnterpriseID, into survivor: EnterpriseID, actor: String, now: Date? = nil
    ) throws -> StewardshipResult {
        let now = now ?? clock.now()
        return try write { db, _ in
            try Self.merge(db, subsumed, into: survivor, actor: actor, now: now, survivorship: survivorship)
        }
    }

    /// ``merge(_:into:actor:now:)`` inside a write transaction.
    static func merge(
        _ db: Database, _ subsumed: EnterpriseID, into survivor: EnterpriseID, actor: String, now: Date,
        survivorship: Survivorship
    ) throws -> (StewardshipResult, [CacheChange]) {
        let from = try Self.requireLivePerson(db, subsumed)
        let to = try Self.requireLivePerson(db, survivor)
        guard from != to else {
            throw Self.alreadyOne(subsumed, survivor, live: to)
        }
        let links = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM link WHERE person = ? ORDER BY record"), arguments: [from])
            .map { row in
                MergeSnapshot.LinkRow(
                    record: row["record"], person: row["person"], provenance: row["provenance"],
                    probability: row["probability"], explanation: row["explanation"], time: row["time"],
                    actor: row["actor"])
            }
        var snapshot = MergeSnapshot(
            subsumedGolden: try String.fetchOne(db.cachedStatement(sql: "SELECT golden FROM person WHERE id = ?"), arguments: [from]) ?? "{}",
            survivorGolden: try String.fetchOne(db.cachedStatement(sql: "SELECT golden FROM person WHERE id = ?"), arguments: [to]) ?? "{}",
            links: links)
        try db.cachedStatement(sql: "UPDATE link SET person = ? WHERE person = ?").execute( arguments: [to, from])
        try db.cachedStatement(sql: "UPDATE person SET status = 'merged', mergedInto = ? WHERE id = ?").execute( arguments: [to, from])
        snapshot.accounts = try AccountService.personMerged(db, subsumed: from, survivor: to)
        try db.cachedStatement(sql: "INSERT INTO mergeHistory (subsumed, survivor, snapshot, actor, time) VALUES (?, ?, ?, ?, ?)").execute(
            arguments: [from, to, try Self.json(snapshot), actor, Self.stamp(now)])
        let mergeID = db.lastInsertedRowID
        try Self.refreshGolden(db, person: to, survivorship: survivorship)
        var payload: [String: JSONValue] = ["subsumed": .number(Double(from)), "merge": .number(Double(mergeID))]
        if let accounts = snapshot.accounts, !accounts.isEmpty { payload["accounts"] = .array(accounts.map(JSONValue.string)) }
        let event = try Self.appendEvent(db, .merge, person: to, record: nil, payload: payload, actor: actor, now: now)
        return (
            StewardshipResult(record: nil, person: EnterpriseID(to), other: EnterpriseID(from), event: event),
            links.map { .assign(row: $0.record, person: to) }
        )
    }

    /// Reverses the latest merge of `subsumed` (its retired ID): its links, its person row and the
    /// survivor's golden record are restored exactly as they were before the merge.
    ///
    /// - Throws: `invalidOperation` when the person is not merged, or when a moved record was
    ///   linked elsewhere since (restoring it would undo a later decision).
    public func unmerge(_ subsumed: EnterpriseID, actor: String, now: Date? = nil) throws -> StewardshipResult {
        let now = now ?? clock.now()
        return try write { db, _ in
            guard
                let history = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM mergeHistory WHERE subsumed = ? AND undone IS NULL ORDER BY id DESC LIMIT 1"),
                    arguments: [subsumed.rawValue])
            else { throw Self.notMerged(subsumed) }
            let survivor: Int64 = history["survivor"]
            let mergedInto = try Int64.fetchOne(db.cachedStatement(sql: "SELECT mergedInto FROM person WHERE id = ?"), arguments: [subsumed.rawValue])
            guard mergedInto == survivor else {
                throw Self.notMergedAnyMore(subsumed, into: survivor)
            }
            let snapshot = try Self.decode(MergeSnapshot.self, history["snapshot"])
            for link in snapshot.links {
                let now = try Int64.fetchOne(db.cachedStatement(sql: "SELECT person FROM link WHERE record = ?"), arguments: [link.record])
                guard now == survivor else {
                    let reference = try Self.reference(db, row: link.record)
                    throw Self.relinkedSinceMerge(subsumed, reference)
                }
                try db.cachedStatement(sql: """
                        UPDATE link SET person = ?, provenance = ?, probability = ?, explanation = ?, time = ?, actor = ?
                        WHERE record = ?
                        """).execute(
                    arguments: [
                        link.person, link.provenance, link.probability, link.explanation, link.time, link.actor,
                        link.record,
                    ])
            }
            try db.cachedStatement(sql: "UPDATE person SET status = 'active', mergedInto = NULL, golden = ? WHERE id = ?").execute(
                arguments: [snapshot.subsumedGolden, subsumed.rawValue])
            try AccountService.personUnmerged(
                db, subsumed: subsumed.rawValue, survivor: survivor, accounts: snapshot.accounts ?? [])
            try Self.refreshGolden(db, person: survivor, survivorship: survivorship)
            try db.cachedStatement(sql: "UPDATE mergeHistory SET undone = ? WHERE id = ?").execute( arguments: [Self.stamp(now), history["id"] as Int64])
            let event = try Self.appendEvent(
                db, .unmerge, person: subsumed.rawValue, record: nil,
                payload: ["survivor": .number(Double(survivor)), "merge": .number(Double(history["id"] as Int64))],
                actor: actor, now: now)
            return (
                StewardshipResult(record: nil, person: subsumed, other: EnterpriseID(survivor), event: event),
                snapshot.links.map { .assign(row: $0.record, person: $0.person) }
            )
        }
    }

    // MARK: Refusals (shared by every index store)

    package static func onlyRecord(_ record: RecordReference, of person: Int64) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "\(record) is the only record of person \(person); nothing to unlink")
    }

    package static func alreadyOne(_ subsumed: EnterpriseID, _ survivor: EnterpriseID, live: Int64) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "person \(subsumed) and \(survivor) are already one person (\(live))")
    }

    package static func notMerged(_ subsumed: EnterpriseID) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "person \(subsumed) is not merged")
    }

    package static func notMergedAnyMore(_ subsumed: EnterpriseID, into survivor: Int64) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "person \(subsumed) is not merged into \(survivor) any more")
    }

    package static func relinkedSinceMerge(_ subsumed: EnterpriseID, _ record: RecordReference) -> HealthCardError {
        HealthCardError(
            code: .invalidOperation, reason: "cannot unmerge person \(subsumed): record \(record) was relinked since the merge")
    }

    package static func unknownReview(_ id: Int64) -> HealthCardError {
        HealthCardError(code: .unknownReview, reason: "no review item \(id)")
    }

    package static func notACandidate(_ person: EnterpriseID, review id: Int64) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "person \(person) is not a candidate of review item \(id)")
    }

    package static func alreadyResolved(_ item: ReviewItem) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "review item \(item.id) is already resolved (\(item.resolution ?? ""))")
    }

    // MARK: Review queue

    /// Review items, oldest first; open ones only unless `all`.
    public func reviews(all: Bool = false) throws -> [ReviewItem] {
        try plainRead { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM review \(all ? "" : "WHERE status = 'open'") ORDER BY id"
            ).map { try reviewItem(db, $0) }
        }
    }

    func reviewItem(_ db: Database, _ row: Row) throws -> ReviewItem {
        ReviewItem(
            id: row["id"], record: try Self.reference(db, row: row["record"]), person: EnterpriseID(row["person"] as Int64),
            candidates: try Self.decode([ReviewItem.Candidate].self, row["candidates"]), reason: row["reason"],
            status: ReviewItem.Status(rawValue: row["status"]) ?? .open, resolution: row["resolution"],
            explanation: try expandedExplanation(db, row["explanation"]), created: row["created"], actor: row["actor"])
    }

    /// Resolves review item `id`: `.link(person)` links the record by hand; `.separate` asserts
    /// "not the same person" against every candidate, so later matching keeps them apart.
    public func resolveReview(
        _ id: Int64, _ resolution: ReviewItem.Resolution, actor: String, now: Date? = nil
    ) throws -> ReviewItem {
        let now = now ?? clock.now()
        return try write { db, _ in
            try resolveReview(db, id, resolution, actor: actor, now: now, survivorship: survivorship)
        }
    }

    /// Review item `id` settled by merging: the person its record is linked to is merged into the
    /// candidate `survivor` (reversibly: ``unmerge(_:actor:now:)``), and the item is resolved as a
    /// link to `survivor`, in one transaction, so a failure leaves neither half.
    ///
    /// - Throws: `unknownReview`; `invalidOperation` when the item is resolved already or
    ///   `survivor` is not one of its candidates.
    public func mergeReview(_ id: Int64, into survivor: EnterpriseID, actor: String, now: Date? = nil) throws -> ReviewItem {
        let now = now ?? clock.now()
        return try write { db, _ in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM review WHERE id = ?"), arguments: [id]) else {
                throw Self.unknownReview(id)
            }
            let item = try reviewItem(db, row)
            let candidates = try item.candidates.compactMap { try Self.resolve(db, $0.person.rawValue) }
            guard let target = try Self.resolve(db, survivor.rawValue), candidates.contains(target) else {
                throw Self.notACandidate(survivor, review: id)
            }
            var changes: [CacheChange] = []
            let own = try Self.person(ofRecord: row["record"], db)
            if own != target {
                changes += try Self.merge(
                    db, EnterpriseID(own), into: EnterpriseID(target), actor: actor, now: now, survivorship: survivorship
                ).1
            }
            let (resolved, more) = try resolveReview(db, id, .link(EnterpriseID(target)), actor: actor, now: now, survivorship: survivorship)
            return (resolved, changes + more)
        }
    }

    /// ``resolveReview(_:_:actor:now:)`` inside a write transaction.
    func resolveReview(
        _ db: Database, _ id: Int64, _ resolution: ReviewItem.Resolution, actor: String, now: Date, survivorship: Survivorship
    ) throws -> (ReviewItem, [CacheChange]) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM review WHERE id = ?"), arguments: [id]) else {
            throw Self.unknownReview(id)
        }
        var item = try reviewItem(db, row)
        guard item.status == .open else {
            throw Self.alreadyResolved(item)
        }
        let recordRow: Int64 = row["record"]
        var changes: [CacheChange] = []
        let text: String
        switch resolution {
        case .link(let person):
            let target = try Self.requireLivePerson(db, person)
            _ = try Self.manualLink(
                db, row: recordRow, record: item.record, to: target, actor: actor, now: now, survivorship: survivorship)
            changes.append(.assign(row: recordRow, person: target))
            text = "link:\(target)"
        case .separate:
            let own = try Self.person(ofRecord: recordRow, db)
            for candidate in item.candidates {
                guard let live = try Self.resolve(db, candidate.person.rawValue), live != own else { continue }
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO assertion (record, person, time, actor) VALUES (?, ?, ?, ?)").execute(
                    arguments: [recordRow, live, Self.stamp(now), actor])
            }
            text = "separate"
        }
        try db.cachedStatement(sql: "UPDATE review SET status = 'resolved', resolution = ?, actor = ?, resolved = ? WHERE id = ?").execute(
            arguments: [text, actor, Self.stamp(now), id])
        item.status = .resolved
        item.resolution = text
        item.actor = actor
        return (item, changes)
    }
}
