// libFuzzer target for what a terminal parses from a card or a reader (Scripts/fuzz.sh apdu):
// response APDUs (`ResponseAPDU`), the meaning of their status word after each kind of command
// (`StatusWordInterpretation`), command APDUs as the virtual card receives them (`CommandAPDU`)
// and answers to reset (`AnswerToReset`).
//
// Every input is tried as each of them. None may trap; what parses prints back to the same bytes
// (responses, ATRs) or re-parses to the same value (commands, whose short and extended forms
// can encode one command two ways).

/// One command of each kind the interpretation table knows, plus unknown INS bytes.
private let commands: [CommandAPDU] = [
    (0x00, 0xA4, 0x00, 0x00, [0xDF, 0x01], nil), (0x00, 0xB0, 0x00, 0x00, [], 256), (0x00, 0xB2, 0x01, 0x04, [], 256),
    (0x00, 0xD6, 0x00, 0x00, [0x01], nil), (0x00, 0xDC, 0x01, 0x04, [0x01, 0x01, 0x31], nil),
    (0x04, 0xDC, 0x01, 0x04, [0x01], nil), (0x00, 0xD2, 0x00, 0x00, [0x00], nil), (0x00, 0x0C, 0x01, 0x04, [], nil),
    (0x00, 0x84, 0x00, 0x00, [], 8), (0x00, 0x82, 0x00, 0x01, [UInt8](repeating: 0, count: 8), nil),
    (0x00, 0x88, 0x00, 0x00, [UInt8](repeating: 0, count: 8), 8), (0x00, 0x20, 0x00, 0x00, [0x12, 0x34], nil),
    (0x00, 0xC0, 0x00, 0x00, [], 16), (0x80, 0xDE, 0x00, 0x00, [0x01], nil), (0x80, 0xFA, 0x00, 0x00, [0x01], nil),
    (0x00, 0x7F, 0x00, 0x00, [], nil),
].map { try! CommandAPDU(cla: $0.0, ins: $0.1, p1: $0.2, p2: $0.3, data: $0.4, ne: $0.5) }

@_cdecl("LLVMFuzzerTestOneInput")
public func apduFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []

    if let response = try? ResponseAPDU(bytes: bytes) {
        precondition(response.bytes == bytes, "response APDU does not print back: \(Hex.encode(bytes))")
        precondition((try? ResponseAPDU(bytes: bytes[...])) == response)
        _ = response.description
        let word = response.statusWord
        _ = (word.name, word.description, word.isSuccess, word.isWarning, word.bytesAvailable, word.correctLength)
        precondition((word.retriesLeft ?? 0) <= 15)
        let file = FileIdentifier(rawValue: UInt16(truncatingIfNeeded: bytes.count))
        for command in commands {
            let context = CardCommandContext(file: file, key: bytes.count.isMultiple(of: 2) ? "RK_DF01" : nil)
            switch StatusWordInterpretation.interpret(word, after: command, context: context) {
            case .success: break
            case .failure(let error):
                precondition(error.statusWord == word && !error.message.isEmpty, "empty message for \(word.hex)")
            }
            _ = try? response.check(after: command, context: context)
        }
    }

    if let command = try? CommandAPDU(bytes: bytes) {
        let encoded = command.bytes
        precondition((try? CommandAPDU(bytes: encoded)) == command, "command APDU does not round-trip: \(Hex.encode(bytes))")
        _ = (command.description, command.isoCase, CardCommandKind(command).name)
    }

    if let atr = try? AnswerToReset(bytes) {
        precondition(atr.bytes == bytes, "ATR does not keep its bytes")
        // At least one protocol, none of them T=15 (which qualifies global bytes; Docs/fuzzing.md, finding 2).
        precondition(atr.historicalBytes.count <= 15 && !atr.protocols.isEmpty)
        precondition(atr.protocols.allSatisfy { (0..<15).contains($0) })
        _ = (atr.description, atr.supportsT0, atr.supportsT1, atr.ta1, atr.checkByteValid)
    }
    // The ATRs this package builds parse back to what was built.
    let historical = Array(bytes.prefix(15))
    let made = AnswerToReset.make(historicalBytes: historical)
    precondition((try? AnswerToReset(made.bytes)) == made && made.historicalBytes == historical && made.checkByteValid)
    return 0
}
