import Foundation

/// The `sqlite3` command line (Scripts/setup.sh installs it), for tests that look at a store from
/// outside the library: another process's view of the file, its integrity, and writes the
/// library would never make (an `UPDATE` the append-only triggers must refuse).
public enum SQLiteCommand {
    /// Runs `sql` on the database file and waits for `sqlite3` to end, off the cooperative pool.
    public static func run(_ database: URL, _ sql: String) async throws -> ChildProcess.Output {
        try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [database.path, sql])
    }

    /// The rows a one-column query prints, one string each.
    public static func rows(_ database: URL, _ sql: String) async throws -> [String] {
        try await run(database, sql).stdoutText.split(separator: "\n").map(String.init)
    }

    /// What `PRAGMA integrity_check` prints: `ok` for a sound file.
    public static func integrityCheck(_ database: URL) async throws -> String {
        try await rows(database, "PRAGMA integrity_check;").joined(separator: "\n")
    }
}
