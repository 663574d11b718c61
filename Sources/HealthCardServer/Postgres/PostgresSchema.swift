import Logging
import PostgresNIO

/// The tables of `hcard serve --postgres` (Docs/serve.md, "Several nodes on PostgreSQL"), created
/// or brought up to date by whichever node starts first.
///
/// Migrations run in one transaction under a transaction-level advisory lock
/// (``migrationLock``), so nodes starting together apply each migration exactly once: the second
/// waits, then finds the version recorded in `hcard_schema` and skips it.
enum PostgresSchema {
    /// The advisory lock key of the migrations (an arbitrary constant: "hcardMIG").
    static let migrationLock: Int64 = 0x6863_6172_644D_4947

    /// The migrations, in order; the position + 1 is the version recorded in `hcard_schema`.
    static let migrations: [[String]] = [
        // 1: the server's own state: API keys, the append-only audit log, replay claims.
        [
            """
            CREATE TABLE api_key (
                id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, roles TEXT NOT NULL,
                salt TEXT NOT NULL, hash TEXT NOT NULL, created TEXT NOT NULL, revoked TEXT)
            """,
            """
            CREATE TABLE audit (
                sequence BIGSERIAL PRIMARY KEY, time TEXT NOT NULL, client TEXT NOT NULL, method TEXT NOT NULL,
                route TEXT NOT NULL, status BIGINT NOT NULL, outcome TEXT NOT NULL)
            """,
            """
            CREATE FUNCTION hcard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
            """,
            "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
            "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit FOR EACH STATEMENT EXECUTE FUNCTION hcard_append_only()",
            """
            CREATE TABLE replay_claim (
                key_id TEXT NOT NULL, nonce TEXT NOT NULL, until BIGINT NOT NULL, PRIMARY KEY (key_id, nonce))
            """,
            "CREATE INDEX replay_claim_until ON replay_claim (until)",
        ],
        // 2: the EMPI (PostgresPatientIndex): the SQLite index's tables with an `empi_` prefix.
        [
            "CREATE TABLE empi_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT INTO empi_meta (key, value) VALUES ('revision', '0')",
            """
            CREATE TABLE empi_domain (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, oid TEXT, type TEXT NOT NULL, validator TEXT,
                uniqueness TEXT NOT NULL, issuer TEXT, trust BIGINT NOT NULL)
            """,
            """
            CREATE TABLE empi_person (
                id BIGSERIAL PRIMARY KEY, status TEXT NOT NULL, merged_into BIGINT REFERENCES empi_person (id),
                golden TEXT NOT NULL, created TEXT NOT NULL)
            """,
            """
            CREATE TABLE empi_record (
                id BIGSERIAL PRIMARY KEY, domain TEXT NOT NULL REFERENCES empi_domain (code), local_id TEXT NOT NULL,
                data TEXT NOT NULL, version BIGINT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
                UNIQUE (domain, local_id))
            """,
            """
            CREATE TABLE empi_identifier (
                domain TEXT NOT NULL REFERENCES empi_domain (code), value TEXT NOT NULL,
                record BIGINT NOT NULL REFERENCES empi_record (id), PRIMARY KEY (domain, value, record))
            """,
            "CREATE INDEX empi_identifier_record ON empi_identifier (record)",
            """
            CREATE TABLE empi_link (
                record BIGINT PRIMARY KEY REFERENCES empi_record (id), person BIGINT NOT NULL REFERENCES empi_person (id),
                provenance TEXT NOT NULL, probability DOUBLE PRECISION, explanation TEXT, time TEXT NOT NULL,
                actor TEXT NOT NULL)
            """,
            "CREATE INDEX empi_link_person ON empi_link (person)",
            """
            CREATE TABLE empi_review (
                id BIGSERIAL PRIMARY KEY, record BIGINT NOT NULL REFERENCES empi_record (id),
                person BIGINT NOT NULL REFERENCES empi_person (id), candidates TEXT NOT NULL, reason TEXT NOT NULL,
                status TEXT NOT NULL, resolution TEXT, explanation TEXT, created TEXT NOT NULL, actor TEXT, resolved TEXT)
            """,
            "CREATE INDEX empi_review_status ON empi_review (status, id)",
            """
            CREATE TABLE empi_event (
                sequence BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, person BIGINT, record_domain TEXT, record_id TEXT,
                payload TEXT NOT NULL, actor TEXT NOT NULL, time TEXT NOT NULL)
            """,
            "CREATE TRIGGER empi_event_no_change BEFORE UPDATE OR DELETE ON empi_event FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
            "CREATE TRIGGER empi_event_no_truncate BEFORE TRUNCATE ON empi_event FOR EACH STATEMENT EXECUTE FUNCTION hcard_append_only()",
        ],
        // 3: e-health-card accounts (PostgresAccountStore): the SQLite account tables with an
        // `account_` prefix, and a bank card bound to one account (UNIQUE token).
        [
            "CREATE TABLE account_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE account (
                ecard_id TEXT PRIMARY KEY, person BIGINT NOT NULL UNIQUE REFERENCES empi_person (id),
                citizen_id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, phone TEXT, address TEXT, channel TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('issued', 'cancelled')),
                cancel_reason TEXT CHECK (cancel_reason IN ('emigration', 'death')),
                created TEXT NOT NULL, updated TEXT NOT NULL)
            """,
            """
            CREATE TABLE account_card (
                number TEXT PRIMARY KEY, kind TEXT NOT NULL, ecard_id TEXT REFERENCES account (ecard_id),
                status TEXT NOT NULL, replaced_by TEXT, updated TEXT NOT NULL)
            """,
            "CREATE INDEX account_card_account ON account_card (ecard_id)",
            """
            CREATE TABLE account_bank_binding (
                ecard_id TEXT NOT NULL REFERENCES account (ecard_id), token TEXT NOT NULL UNIQUE, masked TEXT NOT NULL,
                bound TEXT NOT NULL, PRIMARY KEY (ecard_id, token))
            """,
            "CREATE TABLE account_blacklist (number TEXT PRIMARY KEY, reason TEXT NOT NULL, added TEXT NOT NULL)",
            "CREATE TABLE account_whitelist (number TEXT PRIMARY KEY, reason TEXT NOT NULL, added TEXT NOT NULL)",
            """
            CREATE TABLE account_oplog (
                sequence BIGSERIAL PRIMARY KEY, time TEXT NOT NULL, actor TEXT NOT NULL, operation TEXT NOT NULL,
                ecard_id TEXT, number TEXT, detail TEXT NOT NULL)
            """,
            """
            CREATE UNIQUE INDEX account_oplog_identity
                ON account_oplog (time, operation, coalesce(ecard_id, ''), coalesce(number, ''), detail)
            """,
            "CREATE TRIGGER account_oplog_no_change BEFORE UPDATE OR DELETE ON account_oplog FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
            "CREATE TRIGGER account_oplog_no_truncate BEFORE TRUNCATE ON account_oplog FOR EACH STATEMENT EXECUTE FUNCTION hcard_append_only()",
        ],
        // 4: stewardship (PatientIndex+Postgres+Stewardship): "not the same person" assertions
        // and the merge history that unmerge restores from.
        [
            """
            CREATE TABLE empi_assertion (
                record BIGINT NOT NULL REFERENCES empi_record (id), person BIGINT NOT NULL REFERENCES empi_person (id),
                time TEXT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (record, person))
            """,
            """
            CREATE TABLE empi_merge (
                id BIGSERIAL PRIMARY KEY, subsumed BIGINT NOT NULL REFERENCES empi_person (id),
                survivor BIGINT NOT NULL REFERENCES empi_person (id), snapshot TEXT NOT NULL, actor TEXT NOT NULL,
                time TEXT NOT NULL, undone TEXT)
            """,
            "CREATE INDEX empi_merge_subsumed ON empi_merge (subsumed, id)",
        ],
        // 5: the versioned blacklist/whitelist change log (PostgresAccountStore+Lists): every
        // change of either list numbered by triggers, whoever writes it. A statement-level trigger
        // locks the one counter row before any list row is touched, and the lock is held to the
        // transaction's end: versions are taken in commit order, without gaps (Docs/serve.md §8).
        [
            "CREATE TABLE account_list_version (only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row), version BIGINT NOT NULL)",
            """
            CREATE TABLE account_list_change (
                version BIGINT PRIMARY KEY, list TEXT NOT NULL, change TEXT NOT NULL CHECK (change IN ('add', 'remove')),
                number TEXT NOT NULL, reason TEXT NOT NULL, added TEXT NOT NULL)
            """,
            "CREATE INDEX account_list_change_list ON account_list_change (list, version)",
            // Entries stored before the log existed are its first changes, so the log replays to the lists.
            """
            INSERT INTO account_list_change (version, list, change, number, reason, added)
            SELECT row_number() OVER (ORDER BY list, number COLLATE "C"), list, 'add', number, reason, added FROM (
                SELECT 'blacklist' AS list, number, reason, added FROM account_blacklist
                UNION ALL SELECT 'whitelist', number, reason, added FROM account_whitelist) AS existing
            """,
            "INSERT INTO account_list_version (version) SELECT count(*) FROM account_list_change",
            """
            CREATE FUNCTION account_list_lock() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM 1 FROM account_list_version FOR UPDATE; RETURN NULL; END $$
            """,
            """
            CREATE FUNCTION account_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE next BIGINT;
            BEGIN
                UPDATE account_list_version SET version = version + 1 RETURNING version INTO next;
                IF TG_OP = 'DELETE' THEN
                    INSERT INTO account_list_change VALUES (next, substr(TG_TABLE_NAME, 9), 'remove', OLD.number, OLD.reason, OLD.added);
                ELSE
                    INSERT INTO account_list_change VALUES (next, substr(TG_TABLE_NAME, 9), 'add', NEW.number, NEW.reason, NEW.added);
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION account_list_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'TRUNCATE % would bypass the list change log: DELETE instead', TG_TABLE_NAME; END $$
            """,
            "CREATE TRIGGER account_blacklist_lock BEFORE INSERT OR UPDATE OR DELETE ON account_blacklist FOR EACH STATEMENT EXECUTE FUNCTION account_list_lock()",
            "CREATE TRIGGER account_blacklist_changed AFTER INSERT OR UPDATE OR DELETE ON account_blacklist FOR EACH ROW EXECUTE FUNCTION account_list_changed()",
            "CREATE TRIGGER account_blacklist_no_truncate BEFORE TRUNCATE ON account_blacklist FOR EACH STATEMENT EXECUTE FUNCTION account_list_no_truncate()",
            "CREATE TRIGGER account_whitelist_lock BEFORE INSERT OR UPDATE OR DELETE ON account_whitelist FOR EACH STATEMENT EXECUTE FUNCTION account_list_lock()",
            "CREATE TRIGGER account_whitelist_changed AFTER INSERT OR UPDATE OR DELETE ON account_whitelist FOR EACH ROW EXECUTE FUNCTION account_list_changed()",
            "CREATE TRIGGER account_whitelist_no_truncate BEFORE TRUNCATE ON account_whitelist FOR EACH STATEMENT EXECUTE FUNCTION account_list_no_truncate()",
            "CREATE TRIGGER account_list_change_no_change BEFORE UPDATE OR DELETE ON account_list_change FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
            "CREATE TRIGGER account_list_change_no_truncate BEFORE TRUNCATE ON account_list_change FOR EACH STATEMENT EXECUTE FUNCTION hcard_append_only()",
        ],
        // 6: the checkpoint pass log (PostgresPassLog): the SQLite PassLog's `passage` table,
        // append-only, with its three indexes.
        [
            """
            CREATE TABLE checkpoint_passage (
                id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, checkpoint TEXT NOT NULL, checkpoint_name TEXT NOT NULL,
                area TEXT NOT NULL, department TEXT NOT NULL, direction TEXT NOT NULL, credential TEXT NOT NULL,
                person TEXT, colour TEXT, temperature DOUBLE PRECISION, decision TEXT NOT NULL, reasons TEXT NOT NULL,
                detail TEXT NOT NULL, plate TEXT)
            """,
            "CREATE INDEX checkpoint_passage_checkpoint_time ON checkpoint_passage (checkpoint, time)",
            "CREATE INDEX checkpoint_passage_person_time ON checkpoint_passage (person, time)",
            "CREATE INDEX checkpoint_passage_time ON checkpoint_passage (time)",
            "CREATE TRIGGER checkpoint_passage_no_change BEFORE UPDATE OR DELETE ON checkpoint_passage FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
            "CREATE TRIGGER checkpoint_passage_no_truncate BEFORE TRUNCATE ON checkpoint_passage FOR EACH STATEMENT EXECUTE FUNCTION hcard_append_only()",
        ],
        // 7: passages uploaded by gate stations (PostgresPassLog.append(upload:)): which
        // passage of which station's log each is, so a resent batch records nothing twice.
        [
            """
            CREATE TABLE checkpoint_upload (
                checkpoint TEXT NOT NULL, origin BIGINT NOT NULL,
                passage BIGINT NOT NULL REFERENCES checkpoint_passage (id),
                PRIMARY KEY (checkpoint, origin))
            """,
            "CREATE TRIGGER checkpoint_upload_no_change BEFORE UPDATE OR DELETE ON checkpoint_upload FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
        ],
        // 8: event numbers in commit order, whoever inserts (Docs/serve.md §8, "events in commit
        // order"). An event row takes the revision lock of PostgresPatientIndex.write before its
        // number (a no-op for a writer that holds it already), so numbers are given one
        // transaction at a time and a transaction commits before the next can number anything: a
        // reader never sees a number while a lower one may still commit. The column's default
        // would number the row before a BEFORE trigger runs, so the trigger numbers it instead.
        [
            "ALTER TABLE empi_event ALTER COLUMN sequence DROP DEFAULT",
            """
            CREATE FUNCTION empi_event_number() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM 1 FROM empi_meta WHERE key = 'revision' FOR UPDATE;
                NEW.sequence := nextval(pg_get_serial_sequence('empi_event', 'sequence'));
                RETURN NEW;
            END $$
            """,
            "CREATE TRIGGER empi_event_numbered BEFORE INSERT ON empi_event FOR EACH ROW EXECUTE FUNCTION empi_event_number()",
        ],
        // 9: what changed since a revision, for a node's matcher to catch up on (Docs/serve.md §8,
        // "a node's matcher after another node's writes"). A record's `version` is already the
        // revision that wrote its data; a link now carries the revision that last set it,
        // `changed`, stamped by a trigger on every insert and update whoever makes it (a writer
        // holds the revision row, so revision + 1 is the revision its commit makes).
        [
            "ALTER TABLE empi_link ADD COLUMN changed BIGINT NOT NULL DEFAULT 0",
            """
            CREATE FUNCTION empi_link_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                SELECT value::bigint + 1 INTO NEW.changed FROM empi_meta WHERE key = 'revision' FOR UPDATE;
                RETURN NEW;
            END $$
            """,
            "CREATE TRIGGER empi_link_stamped BEFORE INSERT OR UPDATE ON empi_link FOR EACH ROW EXECUTE FUNCTION empi_link_changed()",
            "CREATE INDEX empi_link_changed ON empi_link (changed)",
            "CREATE INDEX empi_record_version ON empi_record (version)",
        ],
        // 10: the GB/T 38963 health-code event store (PostgresHealthEventStore): the SQLite
        // HealthEventStore's tables with a `health_` prefix; events and the register of issued
        // codes are append-only.
        [
            """
            CREATE TABLE health_person (
                id TEXT PRIMARY KEY, basic_info TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL)
            """,
            """
            CREATE TABLE health_event (
                id BIGSERIAL PRIMARY KEY, person TEXT NOT NULL REFERENCES health_person (id), time TEXT NOT NULL,
                kind TEXT NOT NULL, payload TEXT NOT NULL, actor TEXT NOT NULL, created TEXT NOT NULL)
            """,
            "CREATE INDEX health_event_person_time ON health_event (person, time COLLATE \"C\", id)",
            "CREATE TRIGGER health_event_no_change BEFORE UPDATE OR DELETE ON health_event FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
            "CREATE TRIGGER health_event_no_truncate BEFORE TRUNCATE ON health_event FOR EACH STATEMENT EXECUTE FUNCTION hcard_append_only()",
            """
            CREATE TABLE health_issued_code (
                code_id TEXT PRIMARY KEY, person TEXT NOT NULL REFERENCES health_person (id), colour TEXT NOT NULL,
                region TEXT NOT NULL, issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, key_id TEXT NOT NULL,
                rules TEXT NOT NULL)
            """,
            "CREATE INDEX health_issued_code_person ON health_issued_code (person, issued_at)",
            "CREATE TRIGGER health_issued_code_no_change BEFORE UPDATE OR DELETE ON health_issued_code FOR EACH ROW EXECUTE FUNCTION hcard_append_only()",
            "CREATE TRIGGER health_issued_code_no_truncate BEFORE TRUNCATE ON health_issued_code FOR EACH STATEMENT EXECUTE FUNCTION hcard_append_only()",
        ],
        // 11: the data steward's browser sessions (PostgresServerStore), shared by every node: the
        // hash of the session token, never the token; the end in Unix milliseconds.
        [
            """
            CREATE TABLE steward_session (
                token_hash TEXT PRIMARY KEY, key_id TEXT NOT NULL REFERENCES api_key (id), csrf TEXT NOT NULL,
                expires BIGINT NOT NULL)
            """,
            "CREATE INDEX steward_session_expires ON steward_session (expires)",
        ],
        // 12: the register's own order of issued codes: `issued_at` keeps whole seconds, so two
        // codes of one person in one second could not tell which is newer. Existing rows are
        // numbered in no particular order within a person's second.
        [
            "ALTER TABLE health_issued_code ADD COLUMN seq BIGSERIAL",
            "CREATE INDEX health_issued_code_person_seq ON health_issued_code (person, seq)",
        ],
    ]

    /// Applies the migrations the database has not seen yet.
    static func migrate(_ database: SharedDatabase) async throws {
        try await database.transaction { connection in
            let logger = database.logger
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS hcard_schema (version BIGINT PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            var current: Int64 = 0
            for row in try await connection.rows("SELECT coalesce(max(version), 0) FROM hcard_schema", logger: logger) {
                current = try row.decode(Int64.self)
            }
            guard current <= Int64(migrations.count) else {
                throw ServerError.invalidConfiguration(
                    "\(database.redactedURL) has schema version \(current), newer than this program's \(migrations.count): upgrade hcard")
            }
            for (offset, statements) in migrations.enumerated() where Int64(offset + 1) > current {
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO hcard_schema (version) VALUES (\(Int64(offset + 1)))", logger: logger)
            }
        }
    }
}
