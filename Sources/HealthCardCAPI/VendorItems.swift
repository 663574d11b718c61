import HealthCardFoundation
import ResidentCard

/// The read and write functions of the TLV files (vendor-interface.md §4): one parameter per
/// data item in file order, coded as §2.1 says; NULL output buffers and NULL or "" inputs are
/// skipped. Each write item is its own secure-messaging UPDATE RECORD (health-card.md §7.5).
enum VendorItems {
    /// DF02/EF05 items 41-54 are read and written as `b` hex at the API, Rh (42, `cn` on the card)
    /// included, as the compiled DLL does (vendor-interface.md §4).
    static func encoding(of field: FieldSpec, in file: ElementaryFileSpec) -> FieldEncoding {
        if file == ResidentCardFileSystem.EF.clinical, let item = field.item, (41...54).contains(item) { return .b }
        return field.encoding
    }

    /// Reads every record of `file` and writes the item of each non-NULL buffer. A failed read
    /// returns 103 and fills no buffer (the vendor DLL skipped failed records and returned 0: a
    /// caller cannot tell a missing item from an empty one, so that bug is not kept).
    static func read(_ function: String, _ file: ElementaryFileSpec, _ buffers: [UnsafeMutablePointer<CChar>?]) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.readRecord) { port in
            let session = try port.requireCard()
            let coding = VendorCoding(text: port.configuration.text)
            let records = try runBlocking { try await session.readItemRecords(of: file) }
            var outputs: [(UnsafeMutablePointer<CChar>, [UInt8])] = []
            for (index, buffer) in buffers.enumerated() {
                guard let buffer else { continue }
                let field = file.fields[index]
                let tlv = try TLVRecord.parse(records[index], expectedTag: field.item, expectedLength: field.length)
                outputs.append((buffer, try coding.output(tlv.value, as: encoding(of: field, in: file))))
            }
            for (buffer, bytes) in outputs { VendorCoding.put(bytes, into: buffer) }
            return VendorCode.ok
        }
    }

    /// Checks and codes every given item first (101 before any APDU), then writes them in order.
    static func write(_ function: String, _ file: ElementaryFileSpec, _ values: [UnsafePointer<CChar>?]) -> Int32 {
        VendorCall.run(function, fallback: VendorCode.writeRecord) { port in
            let session = try port.requireCard()
            let coding = VendorCoding(text: port.configuration.text)
            var writes: [(index: Int, bytes: [UInt8])] = []
            for (index, pointer) in values.enumerated() {
                guard let value = VendorCoding.argument(pointer) else { continue }
                let field = file.fields[index]
                writes.append((index, try coding.input(value, for: field, as: encoding(of: field, in: file))))
            }
            for write in writes {
                try runBlocking { try await session.writeItem(of: file, index: write.index, value: write.bytes) }
            }
            return VendorCode.ok
        }
    }
}

public typealias CIn = UnsafePointer<CChar>?
public typealias COut = UnsafeMutablePointer<CChar>?
public typealias HANDLE = UnsafeMutableRawPointer?
private typealias EF = ResidentCardFileSystem.EF

// MARK: DDF1

@_cdecl("iR_DDF1EF05Info")
public func iR_DDF1EF05Info(
    _ h: HANDLE, _ KLB: COut, _ GFBB: COut, _ FKJGMC: COut, _ FKJGDM: COut, _ FKJGZS: COut, _ FKSJ: COut, _ KH: COut,
    _ AQM: COut, _ XPXLH: COut, _ YYCSDM: COut
) -> Int32 {
    VendorItems.read("iR_DDF1EF05Info", EF.issuer, [KLB, GFBB, FKJGMC, FKJGDM, FKJGZS, FKSJ, KH, AQM, XPXLH, YYCSDM])
}

@_cdecl("iW_DDF1EF05Info")
public func iW_DDF1EF05Info(
    _ h: HANDLE, _ KLB: CIn, _ GFBB: CIn, _ FKJGMC: CIn, _ FKJGDM: CIn, _ FKJGZS: CIn, _ FKSJ: CIn, _ KH: CIn,
    _ AQM: CIn, _ XPXLH: CIn, _ YYCSDM: CIn
) -> Int32 {
    VendorItems.write("iW_DDF1EF05Info", EF.issuer, [KLB, GFBB, FKJGMC, FKJGDM, FKJGZS, FKSJ, KH, AQM, XPXLH, YYCSDM])
}

@_cdecl("iR_DDF1EF06Info")
public func iR_DDF1EF06Info(_ h: HANDLE, _ XM: COut, _ XB: COut, _ MZ: COut, _ CSRQ: COut, _ SFZH: COut) -> Int32 {
    VendorItems.read("iR_DDF1EF06Info", EF.holder, [XM, XB, MZ, CSRQ, SFZH])
}

@_cdecl("iW_DDF1EF06Info")
public func iW_DDF1EF06Info(_ h: HANDLE, _ XM: CIn, _ XB: CIn, _ MZ: CIn, _ CSRQ: CIn, _ SFZH: CIn) -> Int32 {
    VendorItems.write("iW_DDF1EF06Info", EF.holder, [XM, XB, MZ, CSRQ, SFZH])
}

@_cdecl("iR_DDF1EF08Info")
public func iR_DDF1EF08Info(
    _ h: HANDLE, _ KYXQ: COut, _ BRDH1: COut, _ BRDH2: COut, _ YLFYZFFS1: COut, _ YLFYZFFS2: COut, _ YLFYZFFS3: COut
) -> Int32 {
    VendorItems.read("iR_DDF1EF08Info", EF.payment, [KYXQ, BRDH1, BRDH2, YLFYZFFS1, YLFYZFFS2, YLFYZFFS3])
}

@_cdecl("iW_DDF1EF08Info")
public func iW_DDF1EF08Info(
    _ h: HANDLE, _ KYXQ: CIn, _ BRDH1: CIn, _ BRDH2: CIn, _ YLFYZFFS1: CIn, _ YLFYZFFS2: CIn, _ YLFYZFFS3: CIn
) -> Int32 {
    VendorItems.write("iW_DDF1EF08Info", EF.payment, [KYXQ, BRDH1, BRDH2, YLFYZFFS1, YLFYZFFS2, YLFYZFFS3])
}

// MARK: DF01

@_cdecl("iR_DF01EF05Info")
public func iR_DF01EF05Info(_ h: HANDLE, _ DZLB1: COut, _ DZ1: COut, _ DZLB2: COut, _ DZ2: COut) -> Int32 {
    VendorItems.read("iR_DF01EF05Info", EF.addresses, [DZLB1, DZ1, DZLB2, DZ2])
}

@_cdecl("iW_DF01EF05Info")
public func iW_DF01EF05Info(_ h: HANDLE, _ DZLB1: CIn, _ DZ1: CIn, _ DZLB2: CIn, _ DZ2: CIn) -> Int32 {
    VendorItems.write("iW_DF01EF05Info", EF.addresses, [DZLB1, DZ1, DZLB2, DZ2])
}

@_cdecl("iR_DF01EF06Info")
public func iR_DF01EF06Info(
    _ h: HANDLE, _ LXRXM1: COut, _ LXRGX1: COut, _ LXRDH1: COut, _ LXRXM2: COut, _ LXRGX2: COut, _ LXRDH2: COut,
    _ LXRXM3: COut, _ LXRGX3: COut, _ LXRDH3: COut
) -> Int32 {
    VendorItems.read(
        "iR_DF01EF06Info", EF.contacts, [LXRXM1, LXRGX1, LXRDH1, LXRXM2, LXRGX2, LXRDH2, LXRXM3, LXRGX3, LXRDH3])
}

@_cdecl("iW_DF01EF06Info")
public func iW_DF01EF06Info(
    _ h: HANDLE, _ LXRXM1: CIn, _ LXRGX1: CIn, _ LXRDH1: CIn, _ LXRXM2: CIn, _ LXRGX2: CIn, _ LXRDH2: CIn,
    _ LXRXM3: CIn, _ LXRGX3: CIn, _ LXRDH3: CIn
) -> Int32 {
    VendorItems.write(
        "iW_DF01EF06Info", EF.contacts, [LXRXM1, LXRGX1, LXRDH1, LXRXM2, LXRGX2, LXRDH2, LXRXM3, LXRGX3, LXRDH3])
}

@_cdecl("iR_DF01EF07Info")
public func iR_DF01EF07Info(_ h: HANDLE, _ WHCD: COut, _ HYZK: COut, _ ZY: COut) -> Int32 {
    VendorItems.read("iR_DF01EF07Info", EF.occupation, [WHCD, HYZK, ZY])
}

@_cdecl("iW_DF01EF07Info")
public func iW_DF01EF07Info(_ h: HANDLE, _ WHCD: CIn, _ HYZK: CIn, _ ZY: CIn) -> Int32 {
    VendorItems.write("iW_DF01EF07Info", EF.occupation, [WHCD, HYZK, ZY])
}

@_cdecl("iR_DF01EF08Info")
public func iR_DF01EF08Info(_ h: HANDLE, _ ZJLB: COut, _ ZJHM: COut, _ JKDAH: COut, _ XNHZH: COut) -> Int32 {
    VendorItems.read("iR_DF01EF08Info", EF.documents, [ZJLB, ZJHM, JKDAH, XNHZH])
}

@_cdecl("iW_DF01EF08Info")
public func iW_DF01EF08Info(_ h: HANDLE, _ ZJLB: CIn, _ ZJHM: CIn, _ JKDAH: CIn, _ XNHZH: CIn) -> Int32 {
    VendorItems.write("iW_DF01EF08Info", EF.documents, [ZJLB, ZJHM, JKDAH, XNHZH])
}

// MARK: DF02 (TLV files)

@_cdecl("iR_DF02EF05Info")
public func iR_DF02EF05Info(
    _ h: HANDLE, _ ABOXX: COut, _ RHXX: COut, _ XCBZ: COut, _ XZBBZ: COut, _ XNXGBBZ: COut, _ DXBBZ: COut,
    _ NXWLBZ: COut, _ TNBBZ: COut, _ QGYBZ: COut, _ TXBZ: COut, _ QGYZBZ: COut, _ QGQSBZ: COut, _ KZXYZBZ: COut,
    _ XZQBQBZ: COut, _ QTYXJSMC: COut
) -> Int32 {
    VendorItems.read(
        "iR_DF02EF05Info", EF.clinical,
        [ABOXX, RHXX, XCBZ, XZBBZ, XNXGBBZ, DXBBZ, NXWLBZ, TNBBZ, QGYBZ, TXBZ, QGYZBZ, QGQSBZ, KZXYZBZ, XZQBQBZ, QTYXJSMC])
}

@_cdecl("iW_DF02EF05Info")
public func iW_DF02EF05Info(
    _ h: HANDLE, _ ABOXX: CIn, _ RHXX: CIn, _ XCBZ: CIn, _ XZBBZ: CIn, _ XNXGBBZ: CIn, _ DXBBZ: CIn,
    _ NXWLBZ: CIn, _ TNBBZ: CIn, _ QGYBZ: CIn, _ TXBZ: CIn, _ QGYZBZ: CIn, _ QGQSBZ: CIn, _ KZXYZBZ: CIn,
    _ XZQBQBZ: CIn, _ QTYXJSMC: CIn
) -> Int32 {
    VendorItems.write(
        "iW_DF02EF05Info", EF.clinical,
        [ABOXX, RHXX, XCBZ, XZBBZ, XNXGBBZ, DXBBZ, NXWLBZ, TNBBZ, QGYBZ, TXBZ, QGYZBZ, QGQSBZ, KZXYZBZ, XZQBQBZ, QTYXJSMC])
}

@_cdecl("iR_DF02EF06Info")
public func iR_DF02EF06Info(_ h: HANDLE, _ JSBBZ: COut) -> Int32 {
    VendorItems.read("iR_DF02EF06Info", EF.special, [JSBBZ])
}

@_cdecl("iW_DF02EF06Info")
public func iW_DF02EF06Info(_ h: HANDLE, _ JSBBZ: CIn) -> Int32 {
    VendorItems.write("iW_DF02EF06Info", EF.special, [JSBBZ])
}
