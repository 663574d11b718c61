import Foundation
import Testing

/// `hcard platform sign-request`, run as an integrator's script runs it.
@Suite("hcard platform sign-request")
struct PlatformSignRequestCommandTests {
    @Test("signs a body from a file with a secret file; --sign-only from stdin with the environment; errors")
    func signRequest() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hcard-sign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = #"{"commonIn": {"channelNum": 0, "sign": "old", "appToken": ""}, "req": {}}"#
        try body.write(to: directory.appendingPathComponent("body.json"), atomically: true, encoding: .utf8)
        try "secret\n".write(to: directory.appendingPathComponent("app.secret"), atomically: true, encoding: .utf8)

        // health-code.md §4.9 vector 2: channelNum=0 with the secret "secret".
        let expected = "izPY5tjxkXETiFSV03ck5ImGpUv2fvK8aHcFrDebzc4="
        let signed = try await HCardRunner.run(
            ["platform", "sign-request", "--secret-file", "app.secret", "body.json"], in: directory)
        #expect(signed.status == 0, "\(signed.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(signed.stdout.utf8)) as? [String: Any])
        #expect((object["commonIn"] as? [String: Any])?["sign"] as? String == expected)

        let only = try await HCardRunner.run(
            ["platform", "sign-request", "--sign-only", "-"], stdin: body, in: directory,
            environment: ["HCARD_TENCENT_APP_SECRET": "secret"])
        #expect(only.status == 0 && only.stdout == expected + "\n", "\(only.stdout) \(only.stderr)")

        let noSecret = try await HCardRunner.run(["platform", "sign-request", "body.json"], in: directory)
        #expect(noSecret.status == 64 && noSecret.stderr.contains("HCARD_TENCENT_APP_SECRET"))
        try "[1]".write(to: directory.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let bad = try await HCardRunner.run(
            ["platform", "sign-request", "--secret-file", "app.secret", "bad.json"], in: directory)
        #expect(bad.status == 1 && bad.stderr.contains("bad.json: cannot sign: the request body is not a JSON object"))
    }
}
