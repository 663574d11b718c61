import HealthCardFoundation

/// Reading and writing transparent files larger than one APDU: READ BINARY / UPDATE BINARY in
/// consecutive chunks over any ``CardChannel``.
///
/// The encounter files are 1893 (EE01–EE03) and 3267 (ED01–ED05) bytes and the photo up to
/// 3074 (health-card.md §2, §4); one short APDU moves at most 256 bytes. The vendor SDK moves
/// `0x80` per APDU in both directions: the trace reads the 3013-byte ED01 data area in 24 chunks
/// and rewrites it as 24 × `00D6` (health-card.md §5, §10). Larger chunks mean fewer round trips;
/// chunks above 256 (read) or 255 (write) bytes become extended APDUs, which only some cards and
/// readers accept, hence the caller chooses `maxChunk`.
///
/// Every failure names the offset of the chunk that failed, because a half-written encounter
/// record must be rewritten or erased and the engineer needs to know how far it got:
/// `UPDATE BINARY at offset 0x0400 failed: 6581 memory failure`. Card refusals are
/// ``CardCommandError`` (with ``CardCommandError/offset`` set); transport errors pass through.
public enum ChunkedTransfer {
    /// Default read chunk: the largest short Le below the wildcard, accepted by every card.
    public static let defaultReadChunk = 0xFF
    /// Default write chunk: the vendor SDK's `0x80` (trace-verified, health-card.md §5).
    public static let defaultWriteChunk = 0x80

    /// Reads `length` bytes of the selected transparent EF starting at `offset`.
    ///
    /// Each chunk asks for `min(maxChunk, remaining)` bytes. A card may return fewer (with `9000`
    /// or with `6282` "end of file"); the next chunk then starts where the data ended. If the file
    /// ends before `length` bytes were read, this throws rather than returning short data.
    ///
    /// - Parameters:
    ///   - offset: first byte, `0...0x7FFF`; every chunk must also start at or below `0x7FFF`.
    ///   - length: bytes to read (`0` returns `[]` without talking to the card).
    ///   - maxChunk: `1...65536`; above 256 the commands are extended.
    ///   - channel: the card, with the transparent EF already selected.
    ///   - context: names the file in error messages.
    /// - Throws: ``CardCommandError`` with the chunk's offset when the card refuses a chunk or the
    ///   file ends early (`6282`, or a chunk with no data); `HealthCardError` for bad arguments
    ///   or a card that returns more bytes than asked.
    public static func readBinary(
        from channel: some CardChannel, offset: Int = 0, length: Int,
        maxChunk: Int = defaultReadChunk, context: CardCommandContext = .init()
    ) async throws -> [UInt8] {
        guard length >= 0 else { throw HealthCardError.invalidValue("READ BINARY: length \(length) is negative") }
        guard (1...CommandAPDU.maxNe).contains(maxChunk) else {
            throw HealthCardError.invalidValue("READ BINARY: maxChunk \(maxChunk) is outside 1...65536")
        }
        let fileName = context.file.map(\.description) ?? "the file"
        var result: [UInt8] = []
        result.reserveCapacity(length)
        var position = offset
        while result.count < length {
            let wanted = min(maxChunk, length - result.count)
            let command = try HealthCardCommand.readBinary(offset: position, ne: wanted)
            let response = try await channel.transmit(command)
            let outcome = try outcomeOrThrow(response, command: command, offset: position, context: context)

            guard response.data.count <= wanted else {
                throw HealthCardError.malformed(
                    "READ BINARY at offset \(Hex.offset(position)) returned \(response.data.count) bytes,"
                        + " \(wanted) were asked for")
            }
            result += response.data
            position += response.data.count
            if result.count < length, outcome == .endOfData || response.data.isEmpty {
                throw CardCommandError(
                    command: .readBinary, statusWord: response.statusWord,
                    message: "READ BINARY at offset \(Hex.offset(position)): \(fileName) ended after"
                        + " \(result.count) of \(length) bytes",
                    offset: position)
            }
        }
        return result
    }

    /// Writes `data` to the selected transparent EF starting at `offset`, in chunks of
    /// `maxChunk` bytes (the last one shorter).
    ///
    /// - Parameters:
    ///   - offset: first byte, `0...0x7FFF`; every chunk must also start at or below `0x7FFF`.
    ///   - channel: the card, with the transparent EF already selected.
    ///   - data: the bytes to write.
    ///   - context: names the file in error messages.
    ///   - maxChunk: `1...65535`; default `0x80` as the vendor SDK; above 255 the commands are extended.
    /// - Returns: the number of UPDATE BINARY commands sent.
    /// - Throws: ``CardCommandError`` naming the offset of the refused chunk (all earlier chunks
    ///   were written); `HealthCardError` for bad arguments.
    @discardableResult
    public static func updateBinary(
        on channel: some CardChannel, offset: Int = 0, data: [UInt8],
        maxChunk: Int = defaultWriteChunk, context: CardCommandContext = .init()
    ) async throws -> Int {
        guard (1...CommandAPDU.maxNc).contains(maxChunk) else {
            throw HealthCardError.invalidValue("UPDATE BINARY: maxChunk \(maxChunk) is outside 1...65535")
        }
        var commands = 0
        var start = 0
        while start < data.count {
            let end = min(start + maxChunk, data.count)
            let position = offset + start
            let command = try HealthCardCommand.updateBinary(offset: position, data: Array(data[start..<end]))
            let response = try await channel.transmit(command)
            _ = try outcomeOrThrow(response, command: command, offset: position, context: context)
            commands += 1
            start = end
        }
        return commands
    }

    /// The accepted outcome of one chunk, or a ``CardCommandError`` whose message starts with the
    /// command and offset: "READ BINARY at offset 0x0B80 failed: …".
    private static func outcomeOrThrow(
        _ response: ResponseAPDU, command: CommandAPDU, offset: Int, context: CardCommandContext
    ) throws(CardCommandError) -> CardCommandOutcome {
        let kind = CardCommandKind(command)
        let failure: CardCommandError
        switch StatusWordInterpretation.interpret(response.statusWord, after: command, context: context) {
        case .success(let outcome):
            switch outcome {
            case .success, .endOfData, .warning:
                return outcome
            case .moreDataAvailable, .wrongLe:
                failure = CardCommandError(
                    command: kind, statusWord: response.statusWord,
                    message: "\(response.statusWord.description): wrap the channel in T0Channel")
            }
        case .failure(let error):
            failure = error
        }
        throw CardCommandError(
            command: kind, statusWord: failure.statusWord,
            message: "\(kind.name) at offset \(Hex.offset(offset)) failed: \(failure.message)", offset: offset)
    }
}
