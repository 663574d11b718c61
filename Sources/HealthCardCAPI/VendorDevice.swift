import Foundation
import HealthCardFoundation
import ResidentCard
import ResidentCardPCSC
import Synchronization

// Device management of the vendor interface (vendor-interface.md §3): open/close the port,
// power the PSAM and the user card, the SAM PIN, raw APDUs. The C prototypes and the choices
// where editions disagree are in include/hcard_vendor.h and Docs/c-api.md.

/// `int iDOpenPort(void)`: 0, or 1 (RD_CONNECT_ERROR) when there is no pcscd, no reader or the
/// configuration is wrong. Follows the compiled DLL (an `int` code), not S4's HANDLE [U].
///
/// With `open_port_returns = handle` (S4's reading, for callers written against its example):
/// 1 on success, 0 on failure.
@_cdecl("iDOpenPort")
public func iDOpenPort() -> Int32 {
    let code = openPort()
    let handleMode = vendorPort.withLock { $0.configuration.openPortReturnsHandle }
    return handleMode ? (code == VendorCode.ok ? 1 : 0) : code
}

private func openPort() -> Int32 {
    VendorCall.run("iDOpenPort", fallback: VendorCode.readerError) { port in
        port.close()
        port.configuration = try VendorConfiguration.load()
        port.trace = port.configuration.trace ? traceToStandardError : nil
        let context = try PCSCContext()
        guard !(try context.readerNames()).isEmpty else { throw VendorFailure(VendorCode.readerError, "pcscd reports no reader") }
        port.context = context
        return VendorCode.ok
    }
}

/// `int iDClosePort(void)`: releases the card and the SAM (both are reset, so no
/// authentication outlives the port) and the PC/SC context. Always 0.
@_cdecl("iDClosePort")
public func iDClosePort() -> Int32 {
    VendorCall.run("iDClosePort", fallback: VendorCode.ok) { port in
        port.close()
        return VendorCode.ok
    }
}

/// `int PowerOn(HANDLE hDev, int slot, char *ATR)`: slot 1 = the user card, the PSAM slot
/// (0x11 by default, `psam_slot`) or 0x12 (SAM in the card seat) = the PSAM; others 101.
/// Writes the ATR as uppercase hex (buffer ≥ 41) when `ATR` is not NULL.
@_cdecl("PowerOn")
public func PowerOn(_ hDev: UnsafeMutableRawPointer?, _ slot: Int32, _ atr: UnsafeMutablePointer<CChar>?) -> Int32 {
    VendorCall.run("PowerOn", fallback: VendorCode.readerError) { port in
        let context = try port.requireContext()
        let answer: [UInt8]
        if slot == 0x01 {
            port.card = nil
            let connection = try PCSCTerminal.open(
                card: port.configuration.reader, sam: port.sam, context: context,
                configuration: port.configuration.session, trace: port.trace)
            let session = connection.session
            // The vendor reads the application city code (EF05 tag 39) here: every later call needs it.
            do { _ = try runBlocking { try await session.readItemRecords(of: ResidentCardFileSystem.EF.issuer) } } catch {
                throw VendorFailure(VendorCode.readRecord, "reading DDF1/EF05 (city code) failed: \(error)")
            }
            port.card = connection
            answer = try runBlocking { await session.atr.bytes }
        } else if slot == port.configuration.psamSlot || slot == 0x12 {
            port.card = nil
            port.sam = nil  // releasing resets the SAM, as the vendor's PowerOn does
            let sam = try PCSCTerminal.openSAM(reader: port.configuration.samReader, context: context, trace: port.trace)
            do {
                // SELECT 3F00, DF01 as the vendor's PowerOn(PSAM) does.
                _ = try runBlocking { try await sam.module.readFile(FileIdentifier(0xDF01), length: 0) }
            } catch {
                throw VendorFailure(VendorCode.sam, "the PSAM in '\(sam.card.reader)' does not answer SELECT: \(error)")
            }
            port.sam = sam
            answer = sam.card.answerToReset
        } else {
            throw VendorFailure(
                VendorCode.parameter,
                "slot 0x\(String(slot, radix: 16)) is neither 1 (user card) nor the PSAM slot 0x\(String(port.configuration.psamSlot, radix: 16))")
        }
        if let atr { VendorCoding.put(Array(Hex.encode(answer).utf8), into: atr) }
        return VendorCode.ok
    }
}

/// `int iVerifyPIN(HANDLE hDev, char *PIN)`: the SAM PIN as an even number of hex digits
/// ("123456" = 12 34 56); 101 for a malformed PIN, 105 when the SAM refuses it.
@_cdecl("iVerifyPIN")
public func iVerifyPIN(_ hDev: UnsafeMutableRawPointer?, _ pin: UnsafePointer<CChar>?) -> Int32 {
    VendorCall.run("iVerifyPIN", fallback: VendorCode.sam) { port in
        let bytes = try VendorCoding.hexArgument(pin, name: "PIN")
        let sam = try port.requireSAM()
        try runBlocking { try await sam.module.verifyPIN(bytes) }
        return VendorCode.ok
    }
}

/// `int iChange_Pin(int hDev, char *oldPin, char *newPin)`: `80 5E 01 00 old‖FF‖new` to the
/// SAM; 101 for malformed PINs, 105 when the SAM refuses.
@_cdecl("iChange_Pin")
public func iChange_Pin(_ hDev: Int32, _ oldPin: UnsafePointer<CChar>?, _ newPin: UnsafePointer<CChar>?) -> Int32 {
    VendorCall.run("iChange_Pin", fallback: VendorCode.sam) { port in
        let old = try VendorCoding.hexArgument(oldPin, name: "oldPin")
        let new = try VendorCoding.hexArgument(newPin, name: "newPin")
        let sam = try port.requireSAM()
        let command = try HealthCardCommand.changePIN(old: old, new: new)
        let response = try runBlocking { try await sam.module.channel.transmit(command) }
        guard response.statusWord == .success else {
            throw VendorFailure(VendorCode.sam, "the SAM refused CHANGE PIN: \(response.statusWord)")
        }
        return VendorCode.ok
    }
}

/// `DWORD SendAPDU(HANDLE hDev, unsigned char bySlot, unsigned char *pbyC_Command,
/// unsigned long byLen, unsigned char *pbyR_Command, int *pnRes)`: slot 1 = user card, else
/// the PSAM. The response is the data followed by SW1 SW2, `*pnRes` the data length without
/// the SW; returns 0, or −1 (0xFFFFFFFF) on a transport error; the SW is not evaluated (compiled
/// DLL; S4's example compares the return with an SW [U]: `send_apdu_returns = sw` returns the SW).
/// The response buffer must hold 258 bytes.
@_cdecl("SendAPDU")
public func SendAPDU(
    _ hDev: UnsafeMutableRawPointer?, _ slot: UInt8, _ command: UnsafePointer<UInt8>?, _ length: UInt,
    _ response: UnsafeMutablePointer<UInt8>?, _ responseLength: UnsafeMutablePointer<Int32>?
) -> UInt32 {
    let failed = UInt32(bitPattern: -1)
    var statusWord: UInt16 = 0
    let code = VendorCall.run("SendAPDU", fallback: -1) { port in
        guard let command, let response, let responseLength, length >= 4 else {
            throw VendorFailure(-1, "a command of at least 4 bytes, a response buffer and a length pointer are needed")
        }
        let apdu = try CommandAPDU(bytes: Array(UnsafeBufferPointer(start: command, count: Int(length))))
        let answer: ResponseAPDU
        if slot == 0x01 {
            let session = try port.requireCard()
            answer = try runBlocking { try await session.transmitRaw(apdu) }
        } else {
            let sam = try port.requireSAM()
            answer = try runBlocking { try await sam.module.channel.base.transmit(apdu) }
        }
        let bytes = answer.bytes
        response.update(from: bytes, count: bytes.count)
        responseLength.pointee = Int32(answer.data.count)
        statusWord = answer.statusWord.rawValue
        return port.configuration.sendAPDUReturnsStatusWord ? 1 : 0
    }
    switch code {
    case 0: return 0
    case 1: return UInt32(statusWord)
    default: return failed
    }
}

/// `HANDLE OpenDevice(int port)`: `iDOpenPort` + `PowerOn(USER)`; a non-NULL handle (ignored by
/// every function, as in the vendor DLL) or NULL. `port` is ignored.
@_cdecl("OpenDevice")
public func OpenDevice(_ portNumber: Int32) -> UnsafeMutableRawPointer? {
    guard openPort() == VendorCode.ok else { return nil }
    guard PowerOn(nil, 0x01, nil) == 0 else { return nil }
    return UnsafeMutableRawPointer(bitPattern: 1)
}

/// `DWORD CloseDevice(HANDLE hCard)`: `iDClosePort`, 0.
@_cdecl("CloseDevice")
public func CloseDevice(_ hCard: UnsafeMutableRawPointer?) -> UInt32 {
    UInt32(bitPattern: iDClosePort())
}

/// `HCARD_TRACE=stderr`: one line per APDU on standard error.
@Sendable private func traceToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
