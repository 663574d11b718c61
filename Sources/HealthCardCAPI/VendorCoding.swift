#if canImport(Glibc)
import Glibc
#endif
import HealthCardFoundation
import ResidentCard

/// Value coding at the vendor API (vendor-interface.md §2.1): `ans` text as the card's bytes up
/// to the first 00 (GBK, or UTF-8 when configured), `cn` as uppercase digits cut at the first
/// `F`, `b` as uppercase hex of every byte; on writes NULL or "" means "leave this item".
struct VendorCoding {
    var text: VendorConfiguration.TextEncoding

    // MARK: Card bytes → API

    /// The API string of a field's card bytes.
    func output(_ bytes: some Collection<UInt8>, as encoding: FieldEncoding) throws -> [UInt8] {
        switch encoding {
        case .ans: try textOutput(bytes)
        case .cn: Array(Self.digits(bytes).utf8)
        case .b: Array(Hex.encode(bytes).utf8)
        }
    }

    /// Stored text up to the first 00, converted to UTF-8 when so configured.
    func textOutput(_ bytes: some Collection<UInt8>) throws -> [UInt8] {
        let stored = Array(bytes.prefix { $0 != 0x00 })
        switch text {
        case .gbk: return stored
        case .utf8: return Array(try GBK.decode(stored).utf8)
        }
    }

    /// Uppercase hex digits cut at the first `F` ("20130401", "01"), as the vendor DLL returns `cn`.
    static func digits(_ bytes: some Collection<UInt8>) -> String {
        String(Hex.encode(bytes).prefix { $0 != "F" })
    }

    /// Copies `bytes` and a terminating NUL into the caller's buffer (sized by the caller, as
    /// every vendor function: the header gives the minimum sizes).
    static func put(_ bytes: [UInt8], into buffer: UnsafeMutablePointer<CChar>) {
        bytes.withUnsafeBufferPointer { source in
            source.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { buffer.update(from: base, count: chars.count) }
            }
        }
        buffer[bytes.count] = 0
    }

    // MARK: API → card bytes

    /// The bytes of a C string argument, or `nil` for NULL or "" (do not write this item).
    static func argument(_ pointer: UnsafePointer<CChar>?) -> [UInt8]? {
        guard let pointer, pointer.pointee != 0 else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: strlen(pointer))).map { UInt8(bitPattern: $0) }
    }

    /// The card bytes of an API value for `field` (`length` bytes): text 00-padded (the vendor
    /// padded from uninitialised memory, a bug not kept), digits F-padded, hex exactly 2×length
    /// digits (the certificate, item 5, may be shorter and is padded with `0` as the vendor did).
    func input(_ value: [UInt8], for field: FieldSpec, as encoding: FieldEncoding) throws -> [UInt8] {
        let length = field.length
        let name = "item \(field.item.map(String.init) ?? field.key) (\(field.chineseName))"
        switch encoding {
        case .ans:
            let stored: [UInt8]
            switch text {
            case .gbk: stored = value
            case .utf8:
                do { stored = try GBK.encode(String(decoding: value, as: UTF8.self)) } catch {
                    throw VendorFailure(VendorCode.parameter, "\(name): \(error)")
                }
            }
            guard stored.count <= length else {
                throw VendorFailure(VendorCode.parameter, "\(name): \(stored.count) bytes, the field holds \(length)")
            }
            return stored + [UInt8](repeating: 0, count: length - stored.count)
        case .cn:
            let digits = String(decoding: value, as: UTF8.self)
            guard digits.allSatisfy(\.isASCIIDigit), digits.count <= 2 * length else {
                throw VendorFailure(VendorCode.parameter, "\(name): '\(digits)' is not at most \(2 * length) digits")
            }
            return try Hex.decode(digits + String(repeating: "F", count: 2 * length - digits.count))
        case .b:
            var digits = String(decoding: value, as: UTF8.self)
            if field.item == 5, digits.count < 2 * length { digits += String(repeating: "0", count: 2 * length - digits.count) }
            guard digits.count == 2 * length, let bytes = try? Hex.decode(digits) else {
                throw VendorFailure(VendorCode.parameter, "\(name): '\(digits)' is not \(2 * length) hex digits")
            }
            return bytes
        }
    }

    /// A hex-digit string argument (PINs, `SendAPDU`-style values) as bytes; 101 when odd or not hex.
    static func hexArgument(_ pointer: UnsafePointer<CChar>?, name: String) throws -> [UInt8] {
        let text = String(decoding: argument(pointer) ?? [], as: UTF8.self)
        guard !text.isEmpty, text.count % 2 == 0, let bytes = try? Hex.decode(text) else {
            throw VendorFailure(VendorCode.parameter, "\(name): '\(text)' is not an even number of hex digits")
        }
        return bytes
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
