import Foundation
import HealthCardCore

/// The human form of `hcard read`: one section per file, one `key: value` line per field that
/// holds a value, codes shown with their names.
enum CardContentsText {
    static func render(_ contents: CardContents) -> String {
        var out: [String] = []
        if let atr = contents.atr { out.append("ATR \(atr)") }
        section(&out, "issuer", ResidentCardFileSystem.EF.issuer, contents.issuer)
        section(&out, "holder", ResidentCardFileSystem.EF.holder, contents.holder)
        if let photo = contents.photo { out.append("\n[photo] DDF1/EF07 照片\n  JPEG, \(photo.bytes.count) bytes") }
        section(&out, "payment", ResidentCardFileSystem.EF.payment, contents.payment)
        section(&out, "addresses", ResidentCardFileSystem.EF.addresses, contents.addresses)
        section(&out, "contacts", ResidentCardFileSystem.EF.contacts, contents.contacts)
        section(&out, "occupation", ResidentCardFileSystem.EF.occupation, contents.occupation)
        section(&out, "documents", ResidentCardFileSystem.EF.documents, contents.documents)
        section(&out, "clinical", ResidentCardFileSystem.EF.clinical, contents.clinical)
        section(&out, "special", ResidentCardFileSystem.EF.special, contents.special)
        for (index, allergy) in (contents.allergies ?? []).enumerated() {
            section(&out, "allergy \(index + 1)", ResidentCardFileSystem.EF.allergies, allergy)
        }
        for (index, shot) in (contents.immunizations ?? []).enumerated() {
            section(&out, "immunization \(index + 1)", ResidentCardFileSystem.EF.immunizations, shot)
        }
        for (name, index) in [("inpatient", contents.inpatientIndex), ("outpatient", contents.outpatientIndex)] {
            guard let index else { continue }
            out.append("\n[\(name) index] DF03 \(name == "inpatient" ? "EF05 住院信息索引" : "EF06 门诊信息索引")")
            out.append("  " + index.enumerated().map { "slot \($0.offset + 1): \($0.element ? "valid" : "empty")" }.joined(separator: ", "))
        }
        for slot in contents.inpatient ?? [] {
            section(&out, "inpatient slot \(slot.slot)", ResidentCardFileSystem.EF.inpatient[slot.slot - 1], slot.record,
                signature: slot.signatureValid)
        }
        for slot in contents.outpatient ?? [] {
            section(&out, "outpatient slot \(slot.slot)", ResidentCardFileSystem.EF.outpatient[slot.slot - 1], slot.record,
                signature: slot.signatureValid)
        }
        if contents.sectionsMissing { out.append("") }
        for reason in contents.unavailable { out.append("not read: \(reason)") }
        return out.joined(separator: "\n")
    }

    private static func section(_ out: inout [String], _ title: String, _ file: ElementaryFileSpec, _ record: (any Encodable)?,
        signature: Bool? = nil)
    {
        guard let record, let data = try? JSONEncoder().encode(record),
            let tree = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return }
        out.append("\n[\(title)] \(file.path) \(file.chineseName)")
        var lines: [String] = []
        flatten(tree, prefix: "", into: &lines)
        out.append(contentsOf: lines.isEmpty ? ["  (empty)"] : lines)
        if let signature { out.append("  signature: \(signature ? "valid" : "INVALID")") }
    }

    private static func flatten(_ value: Any, prefix: String, into lines: inout [String]) {
        switch value {
        case let object as [String: Any]:
            if let code = object["code"] as? String, let name = object["name"] as? String, object.count == 2 {
                lines.append("  \(prefix): \(code) \(name)")
                return
            }
            for key in object.keys.sorted() {
                flatten(object[key]!, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", into: &lines)
            }
        case let array as [Any]:
            for (index, element) in array.enumerated() { flatten(element, prefix: "\(prefix).\(index + 1)", into: &lines) }
        case let string as String:
            lines.append("  \(prefix): \(string.count > 80 ? String(string.prefix(32)) + "… (\(string.count / 2) bytes)" : string)")
        default:
            lines.append("  \(prefix): \(value)")
        }
    }
}

extension CardContents {
    var sectionsMissing: Bool { !unavailable.isEmpty }
}
