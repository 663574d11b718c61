import Foundation
import GRDB
import HealthCardFoundation

/// The GRDB side of `StoreKind`, shared by the two SQLite-backed targets (`PersonalHealthCode`,
/// `EMPIIndex`), which may not import each other.
extension StoreKind {
    /// Opens the SQLite file at `path` as this kind of store (see `StoreKind`): a file that
    /// exists is probed read-only first, and one of another kind is refused before anything is
    /// written to it; `.readOnly` never creates the file and opens the pool read-only; `.readWrite`
    /// stamps the file's `application_id`. The caller migrates (`.readWrite`) or checks that the
    /// migrations are complete (`.readOnly`).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming the file if it is missing (read-only),
    ///   not an SQLite database, or of another kind; GRDB's errors opening it.
    package func openPool(path: String, mode: AccessMode, configuration: Configuration) throws -> DatabasePool {
        let exists = FileManager.default.fileExists(atPath: path)
        if mode == .readOnly && !exists {
            throw HealthCardError.invalidValue("\(path): no such file (\(description), read here, is never created)")
        }
        if exists {
            var probe = Configuration()
            probe.readonly = true
            // Wait like the store itself does: another process may be creating or writing the
            // file right now (several gates, several registration desks).
            probe.busyMode = configuration.busyMode
            let found: (Int32, Set<String>)
            do {
                found = try DatabaseQueue(path: path, configuration: probe).read { db in
                    (
                        try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                        Set(
                            try String.fetchAll(
                                db,
                                sql: """
                                    SELECT name FROM sqlite_master WHERE type = 'table'
                                    AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                                    """))
                    )
                }
            } catch let error as DatabaseError {
                throw HealthCardError.invalidValue("\(path) is not a readable SQLite database (\(error.message ?? "\(error.resultCode)")), not \(description)")
            }
            try check(path: path, applicationID: found.0, tables: found.1, mode: mode)
        }
        var configuration = configuration
        configuration.readonly = mode == .readOnly
        let pool = try Self.openWaitingWhileBusy(path: path, configuration: configuration)
        if mode == .readWrite {
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = \(rawValue)") }
        }
        return pool
    }

    /// ``openPool(path:mode:configuration:)`` then ``prepare(_:path:mode:migrator:)``: a store of
    /// this kind, migrated (read-write) or checked (read-only). Errors other than a
    /// `HealthCardError` become `invalidValue` naming the store: `"pass log p.db: …"`.
    package func openStore(
        path: String, mode: AccessMode, configuration: Configuration, migrator: DatabaseMigrator, what: String
    ) throws -> DatabasePool {
        do {
            let pool = try openPool(path: path, mode: mode, configuration: configuration)
            try prepare(pool, path: path, mode: mode, migrator: migrator)
            return pool
        } catch let error as HealthCardError {
            throw error
        } catch {
            throw HealthCardError.invalidValue("\(what) \(path): \(error)")
        }
    }

    /// The configuration of a store whose acknowledged writes must survive a power cut, shared by
    /// several processes: writers wait up to 5 s for each other, and every connection runs with
    /// `synchronous = FULL` (in WAL mode `NORMAL` may lose the last commits on power loss).
    package static func durableConfiguration(foreignKeys: Bool = false) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = foreignKeys
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return configuration
    }

    /// `DatabasePool(path:configuration:)`, tried again while SQLite answers "busy", for as long as
    /// the configuration's busy timeout allows.
    ///
    /// Why: opening a pool switches the file to WAL (`PRAGMA journal_mode = WAL`), and SQLite
    /// returns SQLITE_BUSY for that switch without calling the busy handler while another
    /// connection holds the file, as when several processes (gates, registration desks) open a
    /// new store at once. Every later statement waits through the busy handler as configured.
    static func openWaitingWhileBusy(path: String, configuration: Configuration) throws -> DatabasePool {
        var seconds = 5.0
        if case .timeout(let timeout) = configuration.busyMode { seconds = timeout }
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    /// Migrates `pool` (read-write), or checks that every migration of `migrator` is applied
    /// (read-only: an older file is not upgraded by a command that only reads).
    ///
    /// Several processes may create or upgrade one file at once (six gates started together on a
    /// new pass log). GRDB's migrator reads which migrations are applied before it takes SQLite's
    /// write lock, so two processes could both decide to run one migration, and the second fails
    /// ("table … already exists"). A file that still needs a migration is therefore migrated
    /// holding the exclusive lock of `PATH.lock` (``AtomicFile/withExclusiveLock(_:_:)``), inside
    /// which the migrator reads the applied migrations afresh; a file that is up to date is not
    /// locked and no lock file is created for it.
    package func prepare(_ pool: DatabasePool, path: String, mode: AccessMode, migrator: DatabaseMigrator) throws {
        switch mode {
        case .readWrite:
            guard try !pool.read({ try migrator.hasCompletedMigrations($0) }) else { return }
            try AtomicFile.withExclusiveLock(path) { try migrator.migrate(pool) }
        case .readOnly:
            guard try pool.read({ try migrator.hasCompletedMigrations($0) }) else {
                throw HealthCardError.invalidValue(
                    "\(path) is \(description) of an older version; open it with a command that writes to upgrade it")
            }
        }
    }
}

extension DatabasePool {
    /// `write` for a read-write store, `read` for a read-only one.
    package func writeOrRead<T>(_ mode: StoreKind.AccessMode, _ body: (Database) throws -> T) throws -> T {
        mode == .readWrite ? try write(body) : try read(body)
    }
}
