import EMPI
import EMPIIndex
import Foundation
import Metrics
import PostgresNIO

/// A feed waiting for this node's writer (``PostgresPatientIndex/feed(_:actor:now:)``), with
/// the work on it that does not depend on the index done by its request before it queued: the
/// batch holds the revision lock, and every other node's writers with it, while it matches its
/// feeds one after another, so what can be done before is done in parallel by the requests.
struct PendingFeed: Sendable {
    let record: PersonRecord
    let actor: String
    /// The feed's own time, taken when it arrived.
    let stamp: String
    /// The request's audit line, written in the batch's transaction when the feed is written.
    let audit: RequestAudit?
    /// The record as the index's normaliser gives it, and the issues normalising found
    /// (`RecordMatcher.match(normalized:issues:)`, `RecordMatcher.add(normalized:person:)`).
    let normalized: NormalizedRecord
    let normalizationIssues: [RecordIssue]
    /// The record's `data` column (`IndexJSON.record`).
    let data: String

    init(record: PersonRecord, actor: String, stamp: String, audit: RequestAudit?, normalizer: Normalizer) {
        self.record = record
        self.actor = actor
        self.stamp = stamp
        self.audit = audit
        var issues: [RecordIssue] = []
        normalized = normalizer.normalize(record, issues: &issues)
        normalizationIssues = issues
        data = IndexJSON.record(record)
    }
}

/// Group commit of feeds (Docs/serve.md §8): the feeds that queued while this node's writer was
/// busy are written in one EMPI write transaction.
extension PostgresPatientIndex {
    /// The most feeds written in one transaction. A batch holds the revision lock — and so every
    /// other node's writers — for its whole length, and its answers wait for its commit; 64
    /// feeds are a few tens of milliseconds of work.
    static let feedBatchLimit = 64

    /// Writes `batch` in one transaction, the caller holding this node's write lock: the feeds are
    /// matched one after another against the node's matcher, each seeing the ones before it,
    /// exactly as if fed one by one in that order — each that writes takes the next revision, so
    /// its rows' version is what a commit of its own would give — and each is answered only after
    /// the commit. When every record is new to the index, the rows go in one statement per table
    /// for the whole batch (``feedNewRecords(_:domains:_:)``); a batch with a re-feed is written
    /// feed by feed.
    ///
    /// A feed refused for its own reasons (``checked(_:domains:)``: a record that fails the
    /// checks, an unknown domain) is refused before it writes anything, and alone. Any other
    /// error — the database failing, a conflict that outlasts the retries, a commit that does not
    /// happen — fails every feed of the batch: the transaction is rolled back, none is answered
    /// as written, and the matcher, which took the batch's records as they were matched, is
    /// dropped (``writeHoldingLocalLock(stamp:_:)``), so that it keeps none of them.
    ///
    /// The batch is taken from the node's queue only once the transaction holds the revision
    /// lock: feeds that queued while another node held it join this batch instead of waiting for
    /// the next (with two nodes taking turns, batches were half as large). `first` is the
    /// drainer's own feed, the batch's first.
    func feedBatch(
        _ queued: GroupCommitQueue<PendingFeed, FeedResult>.Batch, first: PendingFeed
    ) async -> [Result<FeedResult, any Error>] {
        defer {
            // `/metrics`: feeds per batch is the ratio of the two (looked up at each use, as
            // ``countRefresh(_:)`` explains).
            Counter(label: "hcard_empi_feed_batches_total").increment()
            Counter(label: "hcard_empi_feed_batch_feeds_total").increment(by: queued.items.count)
        }
        do {
            let written = try await writeHoldingLocalLock(stamp: first.stamp) { transaction in
                let batch = queued.items
                // One read of the domains for the batch: they change only under the revision lock held here.
                let domains = try await self.domains(transaction.connection)
                var results: [Result<FeedResult, any Error>?] = Array(repeating: nil, count: batch.count)
                var checked: [(position: Int, feed: CheckedFeed)] = []
                for (position, feed) in batch.enumerated() {
                    do {
                        checked.append((position, CheckedFeed(feed: feed, issues: try self.checked(feed.record, domains: domains))))
                    } catch {
                        results[position] = .failure(error)
                    }
                }
                if let written = try await self.feedNewRecords(checked.map(\.feed), domains: domains, transaction) {
                    for ((position, _), result) in zip(checked, written) { results[position] = .success(result) }
                } else {
                    // A re-feed among them: one by one.
                    for (position, checked) in checked {
                        let (result, changes) = try await self.feed(
                            checked.feed.record, issues: checked.issues, domains: domains, actor: checked.feed.actor,
                            stamp: checked.feed.stamp, transaction.connection, try await transaction.currentState())
                        if !changes.isEmpty {
                            transaction.apply(changes)
                            transaction.nextRevision()
                        }
                        results[position] = .success(result)
                    }
                }
                let answers = results.map { $0! }
                try await self.appendAudit(of: zip(batch, answers).filter { $0.1.isSuccess }.map(\.0), transaction)
                return answers
            }
            for (feed, result) in zip(queued.items, written) where result.isSuccess { feed.audit?.committed(status: 200) }
            return written
        } catch {
            return queued.items.map { _ in .failure(error) }
        }
    }

    /// The audit lines of the written feeds, in the batch's transaction: the feed and its line
    /// commit together (``RequestAudit``), with the status its answer has (200). The time is
    /// each feed's own.
    private func appendAudit(of written: [PendingFeed], _ transaction: PostgresIndexTransaction) async throws {
        let lines = written.compactMap { feed in feed.audit.map { (line: $0, time: feed.stamp) } }
        guard !lines.isEmpty else { return }
        _ = try await transaction.connection.rows(
            PostgresServerStore.appendAudit(lines, status: 200), preparedAs: FeedAudit.self, logger: logger)
    }
}

extension Result {
    /// Whether this is a success.
    var isSuccess: Bool {
        if case .success = self { true } else { false }
    }
}
