import Foundation
import HealthCardCore

/// `bench qr-batch ROWS JOBS [DIR|memory]`: one batch through the engine `hcard qr batch` uses
/// (`QRBatchIssuer`, `QREncoder`, the pure-Swift PNG writer, `QRBatchDirectory`), into a new
/// directory under DIR (default: the temporary directory; removed afterwards) or into memory,
/// and nothing else: a whole process to time from outside (A/B of two builds) and to profile
/// with `perf record`. Prints codes per second of wall and per CPU second of the process.
///
/// `bench sm2-sign N`: N signatures through `SM2Signer` on one thread, for the same purposes.
enum QRBatchRun {
    static func run(_ arguments: [String]) async throws {
        let rows = arguments.first.flatMap { Int($0) } ?? 1200
        let jobs = arguments.dropFirst().first.flatMap { Int($0) } ?? ProcessInfo.processInfo.activeProcessorCount
        let target = arguments.dropFirst(2).first
        let key = try SM2PrivateKey()
        let engine = QRBatchIssuer(
            issuer: try SignedCodeIssuer(privateKey: key), encoder: QREncoder(), renderer: QRImageCodec(),
            format: .png, jobs: jobs)
        let input = try QRBatch.parseCSV(QRBenchmarks.batchCSV(rows: rows))
        let store: any QRBatchStore
        var directory: String?
        if target == "memory" {
            store = MemoryStore()
        } else {
            let base = target ?? FileManager.default.temporaryDirectory.path
            directory = (base as NSString).appendingPathComponent("hck-qrbatch-\(UUID().uuidString)")
            store = try QRBatchDirectory(path: directory!)
        }
        defer { if let directory { try? FileManager.default.removeItem(atPath: directory) } }
        let start = ContinuousClock.now
        let cpuStart = processCPUSeconds()
        let summary = try await engine.run(input, source: "bench.csv", into: store)
        let cpu = processCPUSeconds() - cpuStart
        let wall = seconds(start.duration(to: .now))
        precondition(summary.issued.count == rows, "batch failed: \(summary.errors.prefix(3))")
        print(
            String(
                format: "qr-batch: %d codes, %d jobs, %@: %.0f/s wall, %.0f/CPU-s (%.0f µs of CPU a code)",
                rows, jobs, target == "memory" ? "memory" : "files", Double(rows) / wall, Double(rows) / cpu,
                cpu / Double(rows) * 1e6))
    }

    static func sign(count: Int) throws {
        let signer = SM2Signer(privateKey: try SM2PrivateKey())
        let message = [UInt8](repeating: 0x5A, count: 64)
        let start = threadCPUSeconds()
        for _ in 0..<count { _ = try signer.signature(for: message) }
        let cpu = threadCPUSeconds() - start
        print(String(format: "sm2-sign: %d signatures, %.0f/CPU-s (%.1f µs each)", count, Double(count) / cpu, cpu / Double(count) * 1e6))
    }
}
