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

/// `(0..<count).map(transform)` computed in chunks on background threads, read in order while
/// later chunks are still being computed: the writer of a bulk ingest inserts the rows of the
/// first chunks (persons with their golden records, links with their explanations) while the
/// other core prepares the next ones, so the two overlap instead of taking turns.
///
/// Reading element `i` waits for its chunk; the first error thrown in a chunk is rethrown when
/// that chunk is read. ``finish()`` waits for every chunk, so nothing computed outlives its reader.
final class ParallelStream<Element: Sendable>: @unchecked Sendable {
    private let chunkSize: Int
    private let done: [DispatchSemaphore]
    private let slots: Mutex<[Result<[Element], any Error>?]>
    private let running = DispatchGroup()
    private var current: (chunk: Int, elements: [Element]) = (-1, [])

    init(count: Int, chunkSize: Int = 256, _ transform: @escaping @Sendable (Int) throws -> Element) {
        self.chunkSize = chunkSize
        let chunks = (count + chunkSize - 1) / chunkSize
        let done = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        self.done = done
        slots = Mutex([Result<[Element], any Error>?](repeating: nil, count: chunks))
        guard chunks > 0 else { return }
        DispatchQueue.global().async(group: running) { [self] in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let range = (chunk * chunkSize)..<Swift.min(count, (chunk + 1) * chunkSize)
                let result = Result { try range.map(transform) }
                slots.withLock { $0[chunk] = result }
                done[chunk].signal()
            }
        }
    }

    /// Element `index`, waiting for its chunk if need be. Read in ascending order for the overlap.
    func element(_ index: Int) throws -> Element {
        let chunk = index / chunkSize
        if chunk != current.chunk {
            done[chunk].wait()
            done[chunk].signal()  // a later read of the same chunk does not wait
            current = (chunk, try slots.withLock { slots in try slots[chunk]!.get() })
        }
        return current.elements[index - chunk * chunkSize]
    }

    /// Waits until every chunk has been computed.
    func finish() { running.wait() }
}
