#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way the library reads and replaces files: whole-file reads with a size limit,
/// atomic replacement with an exact mode, and an exclusive lock for read-modify-write.
///
/// Why POSIX calls and not `Data.write`: a file (a private key, a card image holding card keys)
/// must never exist on disk, even for an instant, with a mode that lets another user read it.
/// `open(O_CREAT | O_EXCL, mode)` creates the file with its final mode in one step and fails if
/// anything (a file, a symlink planted by someone else) is already there; the mode is set again
/// with `fchmod`, so no umask can widen or narrow it.
///
/// Replacing writes a temporary file next to the target with the same care, syncs it, `rename`s it
/// over the target and syncs the directory, so readers see the old file or the new one, never a
/// mix, and an acknowledged write survives a crash. Only a regular file (or nothing) is replaced:
/// a device, directory or FIFO at the path is refused, never renamed over.
///
/// Concurrent writers of one file (five `hcard write` against one card image, two `keys trust add`)
/// serialise through ``withExclusiveLock(_:_:)``: an advisory `flock` on a sidecar `PATH.lock`
/// file, held for the whole read-modify-write. The sidecar, not the file itself, because the file
/// is replaced by rename and a lock on the old inode would not stop the next writer.
public enum AtomicFile {
    /// Read and write for the owner only: private keys, card images (they hold the card keys),
    /// databases with secrets.
    public static let ownerOnlyMode: UInt16 = 0o600
    /// Readable by everyone: public keys, trust and revocation lists, exports.
    public static let publicMode: UInt16 = 0o644
    /// The largest file ``read(_:limit:)`` reads unless told otherwise.
    public static let defaultReadLimit = 64 << 20

    // MARK: Reading

    /// The whole content of the regular file at `path`, refused past `limit` bytes.
    ///
    /// - Throws: ``FileAccessError``: `EFBIG` past the limit, `EINVAL` for something that is not
    ///   a regular file (a device such as `/dev/zero`, a directory, a FIFO).
    public static func read(_ path: String, limit: Int = defaultReadLimit) throws(FileAccessError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw FileAccessError(path: path, operation: "open", code: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileAccessError(path: path, operation: "stat", code: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw FileAccessError(path: path, operation: "read", code: EINVAL, detail: "not a regular file")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(path: path, operation: "read", code: errno)
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            guard bytes.count <= limit else {
                throw FileAccessError(path: path, operation: "read", code: EFBIG, detail: "larger than \(limit) bytes")
            }
        }
        return bytes
    }

    /// The permission bits of the file at `path` (e.g. `0o600`).
    public static func permissions(of path: String) throws(FileAccessError) -> UInt16 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileAccessError(path: path, operation: "stat", code: errno) }
        return UInt16(info.st_mode & 0o7777)
    }

    // MARK: Writing

    /// Writes `bytes` to `path` with exactly `mode`.
    ///
    /// Without `replace`, the file is created with `O_CREAT | O_EXCL` (an existing file or symlink
    /// is an error, ``FileAccessError/alreadyExists``) and removed again if writing fails. With
    /// `replace`, an existing regular file is replaced atomically and durably (see the type's
    /// documentation); anything else at the path is refused.
    public static func write(
        _ bytes: [UInt8], to path: String, mode: UInt16 = publicMode, replace: Bool = true,
        durability: Durability = .immediate
    ) throws(FileAccessError) {
        do {
            try write(to: path, mode: mode, replace: replace, durability: durability) { emit in try emit(bytes) }
        } catch let error as FileAccessError {
            throw error
        } catch {
            preconditionFailure("only file errors can occur writing bytes: \(error)")
        }
    }

    /// Writes what `produce` emits to `path` with exactly `mode`, with the guarantees of
    /// ``write(_:to:mode:replace:durability:)``: the content goes to a new file (with `replace`, a temporary
    /// one next to `path`), is synced, and only then becomes `path`.
    ///
    /// Why a producer: an export of millions of rows is written chunk by chunk, never held whole,
    /// and still either replaces `path` completely or leaves it as it was. If `produce` (or a
    /// write) throws, the new file is removed and `path` is untouched; the error is rethrown.
    ///
    /// - Parameters:
    ///   - path: the file to write.
    ///   - mode: its permission bits.
    ///   - replace: replace an existing regular file; without it an existing path is an error.
    ///   - durability: sync now (the default), or leave it to a later ``syncDeferredWrites()``.
    ///   - produce: calls `emit` with each chunk, in order.
    /// - Throws: ``FileAccessError`` for the file; whatever `produce` throws.
    public static func write(
        to path: String, mode: UInt16 = publicMode, replace: Bool = true, durability: Durability = .immediate,
        _ produce: (_ emit: ([UInt8]) throws(FileAccessError) -> Void) throws -> Void
    ) throws {
        let target: String
        let descriptor: Int32
        if replace {
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                throw FileAccessError(path: path, operation: "replace", code: EINVAL, detail: "not a regular file")
            }
            (target, descriptor) = try createTemporary(for: path, mode: mode)
        } else {
            (target, descriptor) = (path, try createExclusive(path, mode: mode))
        }
        var open = true
        do {
            try produce { bytes throws(FileAccessError) in try writeAll(bytes, to: descriptor, path: target) }
            if durability == .immediate, fsync(descriptor) != 0 {
                throw FileAccessError(path: target, operation: "sync", code: errno)
            }
            open = false
            if close(descriptor) != 0 { throw FileAccessError(path: target, operation: "close", code: errno) }
        } catch {
            if open { close(descriptor) }
            unlink(target)
            throw error
        }
        if replace, rename(target, path) != 0 {
            let code = errno
            unlink(target)
            throw FileAccessError(path: path, operation: "replace", code: code)
        }
        if durability == .immediate { syncDirectory(of: path) }
    }

    /// Creates `path` holding `bytes` with exactly `mode`, atomically, and only if nothing is there.
    ///
    /// Unlike `write(_:to:replace: false)`, which writes into the new name and can leave a partial
    /// file behind, the file appears under `path` complete or not at all; and unlike a replacing
    /// write it never replaces anything: an existing file, symlink or anything else at `path` is
    /// ``FileAccessError/alreadyExists``, checked by the kernel at the moment of creation. That is
    /// what `hcard qr batch` needs for its codes (a code printed from an existing file must not be
    /// replaced by a second valid one), at fewer system calls than a temporary name and a rename.
    ///
    /// On Linux the content is written to an unnamed file in the directory (`O_TMPFILE`), which
    /// `linkat` then names: no temporary name exists, so a crash leaves nothing behind. Where that
    /// is not available (another system, a file system without `O_TMPFILE`, no `/proc`), a temporary
    /// file is written and hard-linked to `path` (`link` fails on an existing name), then removed.
    ///
    /// - Parameters:
    ///   - bytes: the content.
    ///   - path: the file to create.
    ///   - mode: its permission bits.
    ///   - durability: sync now (the default), or leave it to a later ``syncDeferredWrites()``.
    /// - Throws: ``FileAccessError``; ``FileAccessError/alreadyExists`` if `path` exists.
    public static func create(
        _ bytes: [UInt8], at path: String, mode: UInt16 = publicMode, durability: Durability = .immediate
    ) throws(FileAccessError) {
        #if os(Linux)
            if try createUnnamed(bytes, at: path, mode: mode, durability: durability) { return }
        #endif
        let (temporary, descriptor) = try createTemporary(for: path, mode: mode)
        defer { unlink(temporary) }
        do throws(FileAccessError) {
            try writeAll(bytes, to: descriptor, path: temporary)
            if durability == .immediate, fsync(descriptor) != 0 {
                throw FileAccessError(path: temporary, operation: "sync", code: errno)
            }
        } catch {
            close(descriptor)
            throw error
        }
        guard close(descriptor) == 0 else { throw FileAccessError(path: temporary, operation: "close", code: errno) }
        guard link(temporary, path) == 0 else { throw FileAccessError(path: path, operation: "create", code: errno) }
        if durability == .immediate { syncDirectory(of: path) }
    }

    #if os(Linux)
        /// ``create(_:at:mode:durability:)`` through an unnamed file (`O_TMPFILE`) named by
        /// `linkat`; `false`, with nothing created, where the file system or `/proc` does not allow it.
        private static func createUnnamed(
            _ bytes: [UInt8], at path: String, mode: UInt16, durability: Durability
        ) throws(FileAccessError) -> Bool {
            // O_TMPFILE is __O_TMPFILE | O_DIRECTORY, a macro Swift does not import; __O_TMPFILE is
            // 0o20000000 on x86-64 and AArch64 alike.
            let unnamed = Int32(0o20000000) | O_DIRECTORY
            let descriptor = open(directory(of: path), unnamed | O_WRONLY | O_CLOEXEC, mode_t(mode))
            guard descriptor >= 0 else {
                let code = errno
                // The file system cannot (EOPNOTSUPP) or the kernel does not know the flag (EISDIR, EINVAL).
                if code == EOPNOTSUPP || code == EISDIR || code == EINVAL { return false }
                throw FileAccessError(path: path, operation: "create", code: code)
            }
            defer { close(descriptor) }
            guard fchmod(descriptor, mode_t(mode)) == 0 else {
                throw FileAccessError(path: path, operation: "chmod", code: errno)
            }
            try writeAll(bytes, to: descriptor, path: path)
            if durability == .immediate, fsync(descriptor) != 0 {
                throw FileAccessError(path: path, operation: "sync", code: errno)
            }
            guard linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0 else {
                let code = errno
                // No /proc: the unnamed file is dropped with its descriptor; the caller falls back.
                if code == ENOENT, access("/proc/self/fd", F_OK) != 0 { return false }
                throw FileAccessError(path: path, operation: "create", code: code)
            }
            if durability == .immediate { syncDirectory(of: path) }
            return true
        }
    #endif

    /// When a write reaches the disk.
    ///
    /// Why a choice: syncing a file and its directory costs two journal commits, milliseconds on an
    /// ordinary disk. A batch that writes thousands of small files (`hcard qr batch`) spends more time
    /// waiting for those than computing, so it writes them ``deferred`` and makes them durable together
    /// with one ``syncDeferredWrites()`` before it records them (in its manifest).
    public enum Durability: Sendable {
        /// Synced before `write` returns: the write survives a crash once acknowledged.
        case immediate
        /// Still atomic (readers see the old file or the new one, never a mix), but after a crash
        /// the file may be missing or empty until ``syncDeferredWrites()`` has returned.
        case deferred
    }

    /// Makes every ``Durability/deferred`` write durable: `sync(2)`, one journal commit for all of
    /// them (Linux's `sync` waits for the data to be written). Every file system is synced, because
    /// `syncfs(2)`, which would sync only one, is not visible to Swift without a C shim.
    public static func syncDeferredWrites() {
        sync()
    }

    /// Runs `body` holding an exclusive advisory lock on `path` (through `PATH.lock`), waiting for
    /// any other holder. Every read-modify-write of a file that several processes may update (card
    /// images, trust and revocation lists, replay caches, batch manifests) runs inside one.
    public static func withExclusiveLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let lock = try ExclusiveLock(path)
        return try withExtendedLifetime(lock) { try body() }
    }

    /// An exclusive advisory lock on a file (through `PATH.lock`), held from `init` until the
    /// object is released: the form of ``AtomicFile/withExclusiveLock(_:_:)`` for a
    /// read-modify-write that spans asynchronous work, such as a terminal session over a card
    /// image that saves the image after every command.
    public final class ExclusiveLock: Sendable {
        /// The file whose lock this is.
        public let path: String
        private let descriptor: Int32

        /// Takes the lock on `path`, waiting for any other holder as long as `patience` allows.
        ///
        /// - Parameters:
        ///   - path: the file to lock; the lock itself is taken on `PATH.lock`.
        ///   - patience: how long to wait for another holder; `nil` (the default) waits for as
        ///     long as it takes, `.zero` only takes a free lock. A long-lived holder (an emulated
        ///     card) takes its lock with `.zero`, and the short sessions that would otherwise wait
        ///     behind it for its whole life give up after their patience.
        /// - Throws: ``FileAccessError`` if `PATH.lock` cannot be opened (a symlink there is
        ///   refused) or locked, or (`EWOULDBLOCK`, detail "in use by another process") if another
        ///   holder kept it past `patience`.
        public init(_ path: String, patience: Duration? = nil) throws(FileAccessError) {
            let lockPath = path + ".lock"
            let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else { throw FileAccessError(path: lockPath, operation: "open the lock", code: errno) }
            let deadline = patience.map { ContinuousClock.now + $0 }
            while flock(descriptor, deadline == nil ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EWOULDBLOCK, let deadline, ContinuousClock.now < deadline {
                    usleep(10_000)
                    continue
                }
                close(descriptor)
                let held = patience.map { $0 > .zero ? " for more than \($0)" : "" } ?? ""
                throw FileAccessError(
                    path: path, operation: "lock", code: code,
                    detail: code == EWOULDBLOCK ? "in use by another process\(held) (lock file \(lockPath))" : nil)
            }
            self.path = path
            self.descriptor = descriptor
        }

        deinit {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    /// Creates `path` exclusively (`O_EXCL`, no symlink followed) with exactly `mode` and returns
    /// the open descriptor; on failure nothing is left at `path`.
    private static func createExclusive(_ path: String, mode: UInt16) throws(FileAccessError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW
        let descriptor = open(path, flags, mode_t(mode))
        guard descriptor >= 0 else { throw FileAccessError(path: path, operation: "create", code: errno) }
        guard fchmod(descriptor, mode_t(mode)) == 0 else {
            let code = errno
            close(descriptor)
            unlink(path)
            throw FileAccessError(path: path, operation: "chmod", code: code)
        }
        return descriptor
    }

    /// Creates a new temporary file next to `path` (`PATH.tmp-<random>`), trying other names if
    /// one is taken; returns its path and open descriptor.
    private static func createTemporary(for path: String, mode: UInt16) throws(FileAccessError) -> (String, Int32) {
        for _ in 0..<8 {
            let candidate = "\(path).tmp-\(String(UInt32.random(in: .min ... .max), radix: 16))"
            do throws(FileAccessError) {
                return (candidate, try createExclusive(candidate, mode: mode))
            } catch {
                guard error.alreadyExists else { throw error }
            }
        }
        throw FileAccessError(path: path, operation: "create a temporary file for", code: EEXIST)
    }

    /// Writes all of `bytes` to `descriptor`, retrying short writes and `EINTR`.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(FileAccessError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(descriptor, base + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError(path: path, operation: "write", code: errno)
            }
            written += count
        }
    }

    /// The directory holding `path` (`.` for a bare name).
    private static func directory(of path: String) -> String {
        let slash = path.lastIndex(of: "/")
        return slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
    }

    /// Syncs the directory holding `path`, so a rename or creation survives a power failure.
    private static func syncDirectory(of path: String) {
        let descriptor = open(directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
