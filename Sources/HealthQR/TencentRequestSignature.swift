import Foundation
import HealthCardCrypto
import HealthCardFoundation

/// The request signature of Tencent's health-card open platform (腾讯健康卡开放平台), the vendor
/// API through which hospitals register e-health cards and fetch dynamic QR codes
/// (health-code.md §4.9; a vendor scheme, not GB/T 38963).
///
/// A request body is `{"commonIn": {…}, "req": {…}}`. The signature is computed over the fields
/// of `commonIn` (without `sign`) and of `req`, merged:
/// 1. drop `null` and empty-string values (a numeric `0` is kept);
/// 2. sort the keys in ASCII order and join them as `key=value` with `&`, a value that is an
///    object or array written as compact JSON with sorted keys;
/// 3. append the app secret directly, take SHA-256 and encode it in **Base64** (not hex).
///
/// Both vectors published with the scheme are tests (`TencentRequestSignatureTests`).
///
/// Decisions the source leaves open, marked [U] in `Docs/qr-payload.md`: a key present in both
/// `commonIn` and `req` is refused rather than one silently overriding the other, and booleans are
/// written `true`/`false`.
public enum TencentRequestSignature {
    /// Why a body cannot be signed.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The string that is hashed (before the secret is appended) for the merged `fields`.
    public static func canonicalString(of fields: [String: Any]) throws(Failure) -> String {
        var parts: [String] = []
        for key in fields.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard key != "sign", let value = fields[key], let text = try text(of: value, key: key) else { continue }
            parts.append("\(key)=\(text)")
        }
        return parts.joined(separator: "&")
    }

    /// The Base64 signature of the merged `fields` with `appSecret`.
    public static func signature(of fields: [String: Any], appSecret: String) throws(Failure) -> String {
        let input = try canonicalString(of: fields) + appSecret
        return Data(SHA256.hash(Array(input.utf8))).base64EncodedString()
    }

    /// The fields a request body signs: `commonIn` and `req` merged.
    ///
    /// - Throws: ``Failure`` when the body is not a JSON object with an object `commonIn`, when
    ///   `req` is present and not an object, or when a key appears in both.
    public static func signedFields(ofBody json: [UInt8]) throws(Failure) -> [String: Any] {
        try signedFields(of: object(json))
    }

    private static func signedFields(of body: [String: Any]) throws(Failure) -> [String: Any] {
        guard let common = body["commonIn"] as? [String: Any] else {
            throw Failure("the request body has no \"commonIn\" object")
        }
        var fields = common
        if let request = body["req"] {
            guard let request = request as? [String: Any] else { throw Failure("\"req\" is not an object") }
            for (key, value) in request {
                guard fields[key] == nil else {
                    throw Failure("\"\(key)\" is in both \"commonIn\" and \"req\": which one is signed is not defined")
                }
                fields[key] = value
            }
        }
        return fields
    }

    /// `json` (a request body) with `commonIn.sign` set to its signature: compact JSON with
    /// sorted keys, ready to send.
    public static func sign(body json: [UInt8], appSecret: String) throws(Failure) -> (body: [UInt8], sign: String) {
        var body = try object(json)
        let sign = try signature(of: signedFields(of: body), appSecret: appSecret)
        var common = body["commonIn"] as? [String: Any] ?? [:]
        common["sign"] = sign
        body["commonIn"] = common
        return (try compactJSON(body), sign)
    }

    // MARK: Values

    private static func object(_ json: [UInt8]) throws(Failure) -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            throw Failure("the request body is not JSON: \((error as NSError).localizedDescription)")
        }
        guard let object = parsed as? [String: Any] else { throw Failure("the request body is not a JSON object") }
        return object
    }

    /// The value as it appears in the canonical string, or `nil` when it is left out.
    private static func text(of value: Any, key: String) throws(Failure) -> String? {
        switch value {
        case is NSNull: return nil
        case let string as String: return string.isEmpty ? nil : string
        case let number as NSNumber: return numberText(number)
        case is [String: Any], is [Any]: return String(decoding: try compactJSON(value), as: UTF8.self)
        default: throw Failure("\"\(key)\" has a value that is not JSON")
        }
    }

    /// Integers as integers (a timestamp `1525392000`, never `1525392000.0`), booleans as
    /// `true`/`false`, other numbers in their shortest form.
    private static func numberText(_ number: NSNumber) -> String {
        switch UInt8(bitPattern: number.objCType.pointee) {
        case UInt8(ascii: "c"), UInt8(ascii: "B"): return number.boolValue ? "true" : "false"
        case UInt8(ascii: "d"), UInt8(ascii: "f"):
            let value = number.doubleValue
            if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
            return "\(value)"
        default: return number.stringValue
        }
    }

    private static func compactJSON(_ value: Any) throws(Failure) -> [UInt8] {
        do {
            return Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
        } catch {
            throw Failure("cannot write JSON: \((error as NSError).localizedDescription)")
        }
    }
}
