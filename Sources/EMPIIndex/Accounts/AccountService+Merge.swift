import GRDB

/// Accounts follow their person through merges (empi.md §2.2 merge/unmerge; issue 18 item 7).
///
/// An account belongs to a master-index person (`account.person`). When a steward merges that
/// person into another, the account moves with it, so the survivor's ID finds it
/// (``AccountService/account(person:)``) and registration does not issue the merged person a
/// second one; an unmerge moves it back. When both persons have an account, each keeps its own:
/// the survivor's is the person's account from then on, and the other, still found by its e-card ID
/// and citizen ID, reports the survivor as its (live) person. Nothing here decides links: the
/// index's merge moved the e-card records already.
extension AccountService {
    /// Called by `PatientIndex.merge` in its transaction: moves the subsumed person's account to
    /// the survivor unless the survivor has one. Returns the moved e-card IDs, for the merge's
    /// snapshot (and so for ``personUnmerged(_:subsumed:survivor:accounts:)``); none in an index
    /// file without accounts.
    static func personMerged(_ db: Database, subsumed: Int64, survivor: Int64) throws -> [String] {
        guard try db.tableExists("account"),
            try String.fetchOne(db, sql: "SELECT ecardId FROM account WHERE person = ?", arguments: [survivor]) == nil
        else { return [] }
        let moved = try String.fetchAll(db, sql: "SELECT ecardId FROM account WHERE person = ?", arguments: [subsumed])
        try db.execute(sql: "UPDATE account SET person = ? WHERE person = ?", arguments: [survivor, subsumed])
        return moved
    }

    /// Called by `PatientIndex.unmerge` in its transaction: the accounts the merge moved go back
    /// to the restored person.
    static func personUnmerged(_ db: Database, subsumed: Int64, survivor: Int64, accounts: [String]) throws {
        for account in accounts {
            try db.execute(
                sql: "UPDATE account SET person = ? WHERE ecardId = ? AND person = ?",
                arguments: [subsumed, account, survivor])
        }
    }
}
