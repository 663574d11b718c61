import ArgumentParser
import Foundation
import HealthCardCore
import Synchronization

/// `hcard emulate`: the virtual card (and SAM) in vpcd's reader slots, for every PC/SC program.
struct EmulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Put the virtual card from a card image into a vpcd reader slot (and the virtual SAM into the next).",
        discussion: """
            Needs pcscd running with vsmartcard-vpcd installed (pcscd -f &). The card appears in \
            'Virtual PCD 00 00', the test SAM in 'Virtual PCD 00 01'; then `hcard read`, `hcard write`, \
            pcsc_scan or scriptor reach them through pcscd like real cards. Every change the card \
            acknowledges is saved to the image at once (atomically). The image is locked while the \
            card is in the reader: an image in use is refused, and `hcard read/write --image` on it \
            wait at most 30 s, then say so. Ctrl-C or SIGTERM removes the card \
            and exits 0; start it again to insert the card again.

            Examples:
              hcard emulate --image card.img &
              hcard emulate --image card.img --t0 --trace 2> card-apdu.log
            """
    )

    @Option(help: "The card image (see `hcard card new`).")
    var image: String

    @Option(help: "Host where vpcd (inside pcscd) listens.")
    var host = "127.0.0.1"

    @Option(help: "vpcd port of the card's slot (Virtual PCD 00 00).")
    var port: UInt16 = 35963

    @Option(help: "vpcd port of the SAM's slot (Virtual PCD 00 01).")
    var samPort: UInt16 = 35964

    @Flag(help: "Attach only the card, no SAM.")
    var noSAM = false

    @Flag(help: "Behave as a T=0 card: a T=0-only ATR, data through 61xx + GET RESPONSE, 6Cxx for a wrong Le.")
    var t0 = false

    @Flag(help: "Print every APDU the card and SAM receive to standard error.")
    var trace = false

    /// Tests: detach after answering this many card APDUs, as if the card were pulled out.
    @Option(help: .hidden)
    var stopAfter: Int?

    /// Tests: after answering this many card APDUs, answer nothing more until stopped, as a card that hangs.
    @Option(help: .hidden)
    var stallAfter: Int?

    func run() async throws {
        let url = URL(fileURLWithPath: image)
        let (cardImage, lock) = try CardImage.loadForEmulation(at: image)
        let atr = try AnswerToReset(cardImage.atr.bytes)
        let answerToReset = t0 ? AnswerToReset.t0Only(historicalBytes: atr.historicalBytes).bytes : nil
        let save: @Sendable (VirtualCard) throws -> Void = { card in try card.image.save(to: url) }
        let cardTrace: (@Sendable (String) -> Void)? = trace ? { @Sendable in traceLine("card: " + $0) } : nil
        let samTrace: (@Sendable (String) -> Void)? = trace ? { @Sendable in traceLine("SAM:  " + $0) } : nil
        let card = try VPCDConnection(
            card: VirtualCard(image: cardImage, usesT0: t0), host: host, port: port, answerToReset: answerToReset,
            onChange: save, trace: cardTrace, stopAfter: stopAfter,
            stallAfter: stallAfter)
        var sam: VPCDConnection<VirtualSAM>?
        if !noSAM {
            sam = try VPCDConnection(card: try VirtualSAM.test(), host: host, port: samPort, trace: samTrace)
        }
        let slots = (card: card, sam: sam)
        let stopAll: @Sendable () -> Void = {
            slots.card.stop()
            slots.sam?.stop()
        }
        let signalName = Mutex<String?>(nil)
        let watch = TerminationSignalWatch { name in
            signalName.withLock { $0 = $0 ?? name }
            stopAll()
        }
        traceLine(
            "card attached to vpcd \(host):\(port)\(slots.sam.map { ", SAM to :\($0.port)" } ?? ""); Ctrl-C to remove")

        let reasons = await withTaskGroup(of: Result<VPCDDetachReason, any Error>.self) { group in
            group.addTask {
                do { return .success(try await card.serve()) } catch { return .failure(error) }
            }
            if let sam = slots.sam {
                group.addTask {
                    do { return .success(try await sam.serve()) } catch { return .failure(error) }
                }
            }
            var reasons: [Result<VPCDDetachReason, any Error>] = []
            for await reason in group {
                if reasons.isEmpty { stopAll() }  // one slot ended: take the other out too
                reasons.append(reason)
            }
            return reasons
        }
        withExtendedLifetime(watch) {}

        try withExtendedLifetime(lock) { try card.currentCard.image.save(to: url) }
        let summary = "\(card.commandCount) card APDUs; image saved to \(image)"
        let signal = signalName.withLock { $0 }
        for case .failure(let error) in reasons {
            traceLine("card removed after an error: \(error); \(summary)")
            throw ExitCode(1)
        }
        if reasons.contains(where: { (try? $0.get()) == .closedByVPCD }) && signal == nil {
            traceLine("vpcd closed the connection (pcscd stopped?): card removed; \(summary)")
            throw ExitCode(1)
        }
        let cause = signal ?? (reasons.contains { (try? $0.get()) == .limitReached } ? "--stop-after" : "stop")
        traceLine("card removed (\(cause)): \(summary)")
    }
}
