import Foundation
import HealthCardFoundation
import ResidentCard
import ResidentCardPCSC
import Synchronization

/// The return codes of the vendor interface (vendor-interface.md §8): 0 and 101-113, plus the
/// reader codes the vendor DLL leaks unchanged (1 no reader, 2 no card) and `SendAPDU`'s −1.
enum VendorCode {
    static let ok: Int32 = 0
    static let readerError: Int32 = 1  // RD_CONNECT_ERROR
    static let noCard: Int32 = 2  // RD_NO_ICC
    static let parameter: Int32 = 101  // IRV_PARA_ERR
    static let noFile: Int32 = 102  // IRV_NO_FILE
    static let readRecord: Int32 = 103  // IRV_RD_RCDERR
    static let card: Int32 = 104  // IRV_CARD_ERR
    static let sam: Int32 = 105  // IRV_PSAM_ERR
    static let authentication: Int32 = 106  // IRV_IRK_VERR
    static let readBinary: Int32 = 107  // IRV_RD_BINERR
    static let writeRecord: Int32 = 108  // IRV_WR_RCDERR
    static let writeBinary: Int32 = 109  // IRV_WR_BINERR
    static let markValid: Int32 = 110  // IRV_W_DF03EF05ERR
    static let erase: Int32 = 111  // IRV_ER_DF03EF05ERR
    static let photoLength: Int32 = 113  // IRV_DDF1EF07_DATAERR
}

/// A failure with the vendor code it returns and the message `hcard_last_error()` gives.
struct VendorFailure: Error, CustomStringConvertible {
    let code: Int32
    let description: String

    init(_ code: Int32, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// What the vendor DLL keeps in globals (vendor-interface.md §2: "hDev is ignored by every
/// function"): the PC/SC context of the open port, the powered SAM, the user card's session.
struct VendorPort {
    var configuration = VendorConfiguration()
    var context: PCSCContext?
    var sam: PCSCSAM?
    var card: TerminalConnection?
    var trace: TraceSink?

    mutating func close() {
        card = nil
        sam = nil
        context = nil
    }

    func requireContext() throws -> PCSCContext {
        guard let context else { throw VendorFailure(VendorCode.readerError, "the port is not open: call iDOpenPort first") }
        return context
    }

    func requireSAM() throws -> PCSCSAM {
        guard let sam else {
            throw VendorFailure(
                VendorCode.sam, "the PSAM is not powered: call PowerOn with the PSAM slot (0x\(String(configuration.psamSlot, radix: 16))) first")
        }
        return sam
    }

    func requireCard() throws -> TerminalSession {
        guard let card else { throw VendorFailure(VendorCode.noCard, "the user card is not powered: call PowerOn(hDev, 1, atr) first") }
        return card.session
    }
}

/// The one port of this process. Every vendor function holds the lock for its whole call: the
/// vendor interface is one global session, so calls are serialised (thread-safe, not parallel).
let vendorPort = Mutex(VendorPort())

enum VendorCall {
    /// Runs one vendor function: the body's result, or the code of what it threw, with the
    /// message kept for `hcard_last_error()`. `fallback` is the code for errors no table names
    /// (the function's own failure code); `every` forces one code for every error (SAM functions).
    static func run(
        _ function: String, fallback: Int32, every: Int32? = nil, _ body: (inout VendorPort) throws -> Int32
    ) -> Int32 {
        vendorPort.withLock { port in
            do {
                return try body(&port)
            } catch {
                let code = every ?? self.code(of: error, fallback: fallback)
                LastError.set("\(function): \(code): \(error)")
                return code
            }
        }
    }

    /// The vendor code for a library error: by the command the card refused (vendor-interface.md §8).
    static func code(of error: any Error, fallback: Int32) -> Int32 {
        switch error {
        case let failure as VendorFailure: return failure.code
        case is SAMError: return VendorCode.sam
        case let session as SessionError:
            if case .needsSAM = session { return VendorCode.sam }
            return fallback
        case let reader as ReaderError:
            return reader.code == .noCard || reader.code == .cardRemoved ? VendorCode.noCard : VendorCode.readerError
        case let refused as CardCommandError:
            switch refused.command {
            case .select: return VendorCode.noFile
            case .readRecord: return VendorCode.readRecord
            case .getChallenge: return VendorCode.card
            case .externalAuthenticate: return VendorCode.authentication
            case .readBinary: return VendorCode.readBinary
            case .updateRecord: return VendorCode.writeRecord
            case .updateBinary: return VendorCode.writeBinary
            case .writeRecord: return VendorCode.markValid
            case .eraseRecord: return VendorCode.erase
            default: return fallback
            }
        default: return fallback
        }
    }
}
