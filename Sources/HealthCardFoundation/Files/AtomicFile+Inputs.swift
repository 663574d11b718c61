#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension AtomicFile {
    /// Refuses an output file that is one of the command's inputs: the same device and inode,
    /// however it is named (`p.csv` and `./p.csv`, a symlink, a hard link).
    ///
    /// Why: `hcard empi dedupe --csv p.csv --out p.csv` replaced the patients file with the pairs,
    /// and `keys public --key k.pem --out k.pem --force` would replace a private key with its
    /// public half. Every command that takes an input and `--out` calls this before writing. An
    /// output that does not exist yet, or an input that cannot be found, is no clash (a missing
    /// input is reported by whoever reads it).
    ///
    /// - Parameters:
    ///   - output: the path about to be written.
    ///   - inputs: the input paths; `nil` entries (options not given) are skipped.
    /// - Throws: ``FileAccessError`` naming the output and the input it would overwrite.
    public static func refuseOverwritingInput(_ output: String, inputs: [String?]) throws(FileAccessError) {
        guard let target = identity(of: output) else { return }
        for case let input? in inputs where identity(of: input) == target {
            let detail = input == output ? "it is also an input" : "it is the input \(input)"
            throw FileAccessError(
                path: output, operation: "write", code: EINVAL, detail: detail + "; refusing to overwrite it")
        }
    }

    /// Device and inode of the file at `path`, following symlinks; `nil` if it does not exist.
    private static func identity(of path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}
