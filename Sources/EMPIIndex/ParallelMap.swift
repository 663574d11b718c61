import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// `(0..<count).map(transform)`, computed in chunks on all cores and returned in order: the
    /// CPU work of a bulk ingest (JSON, identifier validation, explanations, golden records) runs
    /// here, and only the SQLite writes, which one connection does one at a time, stay sequential.
    /// The first error thrown by any element is rethrown.
    static func parallel(
        count: Int, chunkSize: Int = 512, _ transform: @Sendable (Int) throws -> Element
    ) throws -> [Element] {
        let chunks = (count + chunkSize - 1) / chunkSize
        guard chunks > 1 else { return try (0..<count).map(transform) }
        let results = Mutex([Int: Result<[Element], any Error>]())
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (chunk * chunkSize)..<Swift.min(count, (chunk + 1) * chunkSize)
            let result = Result { try range.map(transform) }
            results.withLock { $0[chunk] = result }
        }
        return try results.withLock { table in
            var joined: [Element] = []
            joined.reserveCapacity(count)
            for chunk in 0..<chunks { joined += try table[chunk]!.get() }
            return joined
        }
    }
}
