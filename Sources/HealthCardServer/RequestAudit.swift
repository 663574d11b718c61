import Synchronization

/// The audit line of the request being answered, for a store that writes it inside the
/// request's own transaction: a PostgreSQL feed writes it in its batch's transaction
/// (``PostgresPatientIndex/feedBatch(_:first:)``), so the index's rows and their audit line commit
/// together, and the request pays no statement and no commit of its own for the line.
///
/// ``HealthCardServer/respond(to:context:endpoint:)`` sets ``current`` for an audited endpoint
/// while the handler runs. A store that commits the line calls ``committed(status:)``; the
/// wrapper then writes none, unless the client is answered another status (then it writes its
/// own line too, so that the log shows what the client was told). A store that does not write
/// it leaves it to the wrapper, as for every other endpoint.
final class RequestAudit: Sendable {
    /// The audit line of the request this task is answering; `nil` for an endpoint that is not audited.
    @TaskLocal static var current: RequestAudit?

    /// The client's key name, or `-`.
    let client: String
    let method: String
    /// The route template, never the path.
    let route: String
    private let committedStatus = Mutex<Int?>(nil)

    init(client: String, method: String, route: String) {
        self.client = client
        self.method = method
        self.route = route
    }

    /// Records that the line, with `status`, is committed.
    func committed(status: Int) { committedStatus.withLock { $0 = status } }

    /// Whether a line with `status` is committed already.
    func isCommitted(status: Int) -> Bool { committedStatus.withLock { $0 == status } }
}
