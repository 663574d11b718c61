import Foundation
import Synchronization

/// A small benchmark harness: runs a body repeatedly for about a second after a warm-up and
/// reports the median time per operation and operations per second. Figures are wall-clock on
/// whatever machine runs them; compare them on one machine, not across machines.
struct Measurement {
    let name: String
    let operations: Int
    let median: Duration

    var perSecond: Double { median == .zero ? .infinity : Double(operations) / seconds(median) }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Runs `body` (which performs `operations` operations) in rounds until `budget` is spent; the
/// median round is reported.
func measure(_ name: String, operations: Int = 1, budget: Duration = .seconds(1), _ body: () async throws -> Void)
    async rethrows -> Measurement
{
    let clock = ContinuousClock()
    try await body()  // warm-up
    var rounds: [Duration] = []
    let start = clock.now
    while rounds.count < 5 || (start.duration(to: clock.now) < budget && rounds.count < 10_000) {
        let t0 = clock.now
        try await body()
        rounds.append(t0.duration(to: clock.now))
    }
    rounds.sort()
    return Measurement(name: name, operations: operations, median: rounds[rounds.count / 2])
}

func format(_ value: Double) -> String {
    if value >= 1e6 { return String(format1: value / 1e6) + " M" }
    if value >= 1e3 { return String(format1: value / 1e3) + " k" }
    return String(format1: value)
}

extension String {
    init(format1 value: Double) {
        let scaled = (value * 10).rounded() / 10
        self = scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}

func printTable(_ title: String, _ rows: [[String]]) {
    print("\n## \(title)\n")
    guard let header = rows.first else { return }
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    for (index, row) in rows.enumerated() {
        print("| " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |")
        if index == 0 { print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|") }
    }
}

/// A duration in the unit that reads best: ns, µs, ms or s.
func pretty(_ duration: Duration) -> String {
    let s = seconds(duration)
    if s < 1e-6 { return String(format1: s * 1e9) + " ns" }
    if s < 1e-3 { return String(format1: s * 1e6) + " µs" }
    if s < 1 { return String(format1: s * 1e3) + " ms" }
    return String(format1: s) + " s"
}

/// CPU seconds (user + system) this process has used so far, all threads.
func processCPUSeconds() -> Double { cpuSeconds(RUSAGE_SELF) }

/// CPU seconds (user + system) of this process's finished children (`openssl`, `qrencode`, `zbarimg`).
func childrenCPUSeconds() -> Double { cpuSeconds(RUSAGE_CHILDREN) }

private func cpuSeconds(_ who: __rusage_who) -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(who.rawValue), &usage)
    func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return value(usage.ru_utime) + value(usage.ru_stime)
}

/// CPU seconds the calling thread has used so far.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The rows of issue 19's table, each with its anchor measured in the same run, printed last.
final class IssueTable: Sendable {
    static let shared = IssueTable()
    private let rows = Mutex<[[String]]>([])

    /// Adds a row: what, our figure, the anchor's figure, ours ÷ anchor, the goal (a ratio), whether met.
    /// `met`, if given, replaces the verdict (a row that bounds a goal rather than meets it).
    func add(_ work: String, ours: String, anchor: String, ratio: Double?, goal: Double, met verdict: String? = nil) {
        let ratioText = ratio.map { String(format: "%.2f×", $0) } ?? "n/a"
        let met = verdict ?? ratio.map { $0 >= goal ? "yes" : "no" } ?? "not measured"
        rows.withLock { $0.append([work, ours, anchor, ratioText, String(format: "≥ %.2f×", goal), met]) }
    }

    func print() {
        let rows = rows.withLock { $0 }
        guard !rows.isEmpty else { return }
        printTable(
            "Issue 19's table, measured in this run (ours ÷ anchor; load average now \(loadAverage()))",
            [["work", "ours", "anchor, same run", "ratio", "goal", "met"]] + rows)
    }
}

/// `a ÷ b` when both were measured.
func quotient(_ a: Double?, _ b: Double?) -> Double? {
    guard let a, let b, b > 0 else { return nil }
    return a / b
}
