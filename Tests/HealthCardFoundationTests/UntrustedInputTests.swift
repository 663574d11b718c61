import Foundation
import Testing
import HealthCardTestSupport
@testable import HealthCardFoundation

/// The foundation's defences against input from outside: strict JSON shapes, CSV cells that a
/// spreadsheet cannot run, text that a terminal cannot obey, outputs that would overwrite inputs,
/// and the file lock held across a session.
@Suite("Untrusted input: JSON shapes, CSV cells, terminal text, same-file outputs, locks")
struct UntrustedInputTests {
    static let list = JSONShape.object(
        ["version": .integer, "cardIds": .array(.string), "keyIds": .array(.string)], required: ["cardIds"])

    @Test("an unknown key names the file, the path and the closest known key")
    func unknownKey() {
        #expect(
            errorReason { try Self.list.check(json: Array(#"{"cardIDs": []}"#.utf8), source: "r.json") }
                == #"r.json: unknown key "cardIDs" (closest known key: "cardIds")"#)
        let nested = JSONShape.object(["keys": .array(.object(["keyId": .string, "issuer": .string]))])
        #expect(
            errorReason { try nested.check(json: Array(#"{"keys": [{"keyId": "A"}, {"keyID": "B"}]}"#.utf8), source: "t.json") }
                == #"t.json: keys[1]: unknown key "keyID" (closest known key: "keyId")"#)
        #expect(JSONShape.closestKey(to: "Phone1", in: ["phone2", "phone1", "expiryDate"]) == "phone1")
        #expect(JSONShape.closestKey(to: "symptomNmae", in: ["symptomName", "diagnosisName"]) == "symptomName")
    }

    @Test("a wrong type, a missing required key, a fraction for an integer and bad JSON are errors")
    func wrongTypes() {
        #expect(
            errorReason { try Self.list.check(json: Array(#"{"cardIds": "X"}"#.utf8), source: "r.json") }
                == "r.json: cardIds: expected an array, got a string")
        #expect(
            errorReason { try Self.list.check(json: Array(#"{"cardIds": [1]}"#.utf8), source: "r.json") }
                == "r.json: cardIds[0]: expected a string, got a number")
        #expect(
            errorReason { try Self.list.check(json: Array(#"{"version": true, "cardIds": []}"#.utf8), source: "r.json") }
                == "r.json: version: expected a whole number, got true or false")
        #expect(
            errorReason { try Self.list.check(json: Array(#"{"version": 1.5, "cardIds": []}"#.utf8), source: "r.json") }
                == "r.json: version: expected a whole number, got 1.5")
        #expect(
            errorReason { try Self.list.check(json: Array(#"{"keyIds": []}"#.utf8), source: "r.json") }
                == #"r.json: missing required key "cardIds""#)
        #expect(errorReason { try Self.list.check(json: Array("[]".utf8), source: "r.json") } == "r.json: expected an object, got an array")
        #expect(errorReason { try Self.list.check(json: Array("{".utf8), source: "r.json") }.hasPrefix("r.json: not JSON"))
        #expect(errorReason { try Self.list.check(json: Array(#"{"version": 1, "cardIds": ["A"]}"#.utf8), source: "r") } == "no error")
    }

    @Test("CSV cells: formulas neutralised with a quote, separators and line breaks quoted (OWASP, RFC 4180)")
    func csvCells() {
        #expect(CSVCell.encode("plain") == "plain")
        #expect(CSVCell.encode("") == "")
        #expect(CSVCell.encode("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSVCell.encode("=1+1") == "'=1+1")
        #expect(CSVCell.encode("+86 138") == "'+86 138")
        #expect(CSVCell.encode("-2") == "'-2")
        #expect(CSVCell.encode("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVCell.encode("\tx") == "'\tx")
        #expect(CSVCell.encode("a,b") == "\"a,b\"")
        #expect(CSVCell.encode("two\nlines") == "\"two\nlines\"")
        #expect(CSVCell.encode("cr\r") == "\"cr\r\"")
        #expect(CSVCell.encode("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVCell.encode("a=b") == "a=b", "only a leading formula character counts")
        #expect(CSVCell.row(["1", "=x", "a,b"]) == "1,'=x,\"a,b\"")
    }

    @Test("terminal text: ESC, OSC, CR, LF, DEL, C1 and bidi overrides are escaped; CJK is kept; one line")
    func terminalText() {
        #expect(TerminalText.escaped("\u{1B}]0;owned\u{07}\u{1B}[2J") == "\\x1B]0;owned\\x07\\x1B[2J")
        #expect(TerminalText.escaped("valid\r\n") == "valid\\x0D\\x0A")
        #expect(TerminalText.escaped("\u{7F}\u{9B}") == "\\x7F\\x9B")
        #expect(TerminalText.escaped("a\u{202E}b") == "a\\u{202E}b")
        #expect(TerminalText.escaped("张三丰 HCK1-ABC: 01") == "张三丰 HCK1-ABC: 01")
        #expect(!TerminalText.escaped("x\ny\rz").contains { $0.isNewline })
    }

    @Test("an output that is an input (same path, another spelling, a symlink, a hard link) is refused")
    func sameFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("same-file-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("p.csv").path
        try AtomicFile.write(Array("a,b\n".utf8), to: input)
        let link = directory.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)
        let hard = directory.appendingPathComponent("hard.csv").path
        try FileManager.default.linkItem(atPath: input, toPath: hard)
        let dotted = directory.path + "/./p.csv"
        for output in [input, dotted, link, hard] {
            #expect(throws: FileAccessError.self, "\(output)") {
                try AtomicFile.refuseOverwritingInput(output, inputs: [nil, input])
            }
        }
        do {
            try AtomicFile.refuseOverwritingInput(link, inputs: [input])
        } catch {
            #expect(error.description == "cannot write \(link): it is the input \(input); refusing to overwrite it")
        }
        let other = directory.appendingPathComponent("pairs.csv").path
        try AtomicFile.refuseOverwritingInput(other, inputs: [input])  // does not exist yet
        try AtomicFile.write(Array("x".utf8), to: other)
        try AtomicFile.refuseOverwritingInput(other, inputs: [input, directory.appendingPathComponent("missing").path])
    }

    @Test("an ExclusiveLock excludes withExclusiveLock until it is released")
    func lockObject() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path + ".lock") }
        var lock: AtomicFile.ExclusiveLock? = try AtomicFile.ExclusiveLock(path)
        let entered = Atomic(false)
        let waiter = Thread {
            _ = try? AtomicFile.withExclusiveLock(path) { entered.store(true) }
        }
        waiter.start()
        try await Task.sleep(for: .milliseconds(200))
        #expect(!entered.load(), "the lock must exclude the second holder")
        withExtendedLifetime(lock) {}
        lock = nil
        for _ in 0..<100 where !entered.load() { try await Task.sleep(for: .milliseconds(20)) }
        #expect(entered.load())
    }

    @Test("a lock held elsewhere: patience zero refuses at once, a patience gives up after it, both naming the lock")
    func lockPatience() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path + ".lock") }
        var held: AtomicFile.ExclusiveLock? = try AtomicFile.ExclusiveLock(path)
        #expect {
            try AtomicFile.ExclusiveLock(path, patience: .zero)
        } throws: { error in
            "\(error)" == "cannot lock \(path): in use by another process (lock file \(path).lock)"
        }
        let start = ContinuousClock.now
        #expect {
            try AtomicFile.ExclusiveLock(path, patience: .milliseconds(300))
        } throws: { error in
            "\(error)".contains("in use by another process for more than 0.3 seconds")
        }
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        withExtendedLifetime(held) {}
        held = nil
        // Released: the next holder gets it without waiting.
        _ = try AtomicFile.ExclusiveLock(path, patience: .zero)
    }
}

/// A flag shared with a thread.
private final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Bool
    init(_ value: Bool) { self.value = value }
    func load() -> Bool { lock.withLock { value } }
    func store(_ newValue: Bool) { lock.withLock { value = newValue } }
}
