import EMPIIndex
import Foundation
import HealthCardFoundation
import HealthQR
import PersonalHealthCode

/// The files a station decides with (policy, trust list, revocation list, platform blacklist),
/// loaded together and reloaded when any of them changes.
///
/// Change is the file's identity and age: device, inode, size and modification time. An atomic
/// replace (a new inode) and an edit in place both count. A reload is all or nothing: if any file
/// is now missing or invalid, nothing of it is used and ``load()`` throws; the station then
/// refuses every passage, saying why, until the files are valid again (fail closed: a half-updated
/// revocation list or a truncated blacklist must not let anyone through on the old lists either,
/// since the operator's intent was to change them).
struct StationLists {
    struct Loaded {
        var policy: CheckpointPolicy
        var trust: TrustList
        var revocations: RevocationList
        /// How many numbers the blacklist file added.
        var blacklisted: Int
    }

    let policyFile: String?
    let trustFile: String
    let revocationFile: String?
    let blacklistFile: String?

    init(_ configuration: StationConfiguration) {
        policyFile = configuration.policyFile
        trustFile = configuration.trustFile
        revocationFile = configuration.revocationFile
        blacklistFile = configuration.blacklistFile
    }

    var files: [String] { [policyFile, trustFile, revocationFile, blacklistFile].compactMap { $0 } }

    /// What identifies each file's current version; a missing file is `"missing"`.
    func fingerprint() -> [String] {
        files.map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return "missing" }
            return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
    }

    /// Loads every file.
    ///
    /// - Throws: the first file's error, naming it.
    func load() throws -> Loaded {
        let policy = try policyFile.map { try CheckpointPolicy(json: AtomicFile.read($0), source: $0).validated() } ?? CheckpointPolicy()
        let trust = try TrustList.load(from: trustFile)
        var revocations = try revocationFile.map { try RevocationList.load(from: $0) } ?? RevocationList()
        var blacklisted = 0
        if let blacklistFile {
            let text = String(decoding: try AtomicFile.read(blacklistFile), as: UTF8.self)
            let file = try PlatformFile(parsing: text, expected: .blacklist, file: blacklistFile)
            for record in file.records {
                // A number that cannot be a card id can match no card; it is counted, not an error.
                if (try? revocations.revoke(cardID: record[0])) != nil { blacklisted += 1 }
            }
        }
        return Loaded(policy: policy, trust: trust, revocations: revocations, blacklisted: blacklisted)
    }
}
