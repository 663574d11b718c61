import Foundation
import HealthCardTestSupport
import Testing

/// The guard every `hcard` run has (``HCardRunner/run(_:stdin:in:environment:throttled:timeout:)``):
/// a child still running at its timeout is killed and reported, and one that ends is not.
@Suite("ChildProcess: a hung child is killed at its timeout")
struct ChildProcessTimeoutTests {
    @Test("a child that outlives its timeout is killed with SIGKILL and reported; one that ends in time is not")
    func killsAtTimeout() async throws {
        let hung = try await ChildProcess.run(
            URL(fileURLWithPath: "/bin/sleep"), ["600"], throttled: false, timeout: .seconds(1))
        #expect(hung.timedOut)
        #expect(hung.status == SIGKILL, "status \(hung.status)")

        let quick = try await ChildProcess.run(URL(fileURLWithPath: "/bin/echo"), ["done"], timeout: .seconds(600))
        #expect(!quick.timedOut && quick.status == 0 && quick.stdoutText == "done\n")
    }
}
