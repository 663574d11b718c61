import PersonalHealthCode

/// The storage seam for checkpoint passages (Docs/checkpoint.md, "Pass log"): where
/// `POST /v1/checkpoints/{checkpoint}/scans` logs each passage before answering and what
/// `GET /v1/checkpoints/passes` queries. Two implementations: the library's `PassLog` (an SQLite
/// file beside the index, one node) and ``PostgresPassLog`` (a table several
/// `hcard serve --postgres` nodes share).
///
/// The rules are the library's either way: the stored columns of a passage and their decoding
/// (`StoredPassage`, `PassRecord`), what a filter means (`PassLogFilter.terms`) and the order
/// (time, then id).
public protocol PassLogStore: Sendable {
    /// Records one passage and returns its id (the acknowledgement number). When this returns,
    /// the passage is durable (committed).
    @discardableResult
    func append(_ passage: Passage) async throws -> Int64
    /// Records the passages a gate station uploaded, each once per (checkpoint, origin id), all
    /// or none; durable when this returns.
    func append(upload: PassageUpload) async throws -> PassageUpload.Outcome
    /// The passages matching `filter`, in time order (then id), at most `limit`.
    func records(matching filter: PassLogFilter, limit: Int?) async throws -> [PassRecord]
    /// The number of passages.
    func count() async throws -> Int
}

extension PassLog: PassLogStore {}
