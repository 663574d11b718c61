import Foundation
import GRDB
import HealthCardFoundation

extension PassLog {
    /// The passages of `checkpoint` with an id above `id`, in id order, at most `limit`: what a
    /// station has not yet uploaded when `id` is the last one the platform accepted.
    ///
    /// Why ids and not times: ids are the log's append order and never reused (the log is
    /// append-only), so "everything after the last accepted id" loses nothing and repeats nothing,
    /// whatever the clock did.
    public func records(after id: Int64, checkpoint: String, limit: Int) throws -> [PassRecord] {
        try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.recordColumns) FROM passage WHERE id > ? AND checkpoint = ? ORDER BY id LIMIT ?",
                arguments: [id, checkpoint, max(0, limit)]
            ).map { try PassRecord(row: $0) }
        }
    }
}
