import Foundation
import HealthCardFoundation
import PersonalHealthCode

/// A registration as queries and exports show it (issue 20 §6): ID numbers and holders masked
/// unless the caller asks for them in full, times in China time.
public struct RegistrationReport: Hashable, Sendable, Encodable {
    public let id: Int64
    /// `YYYY-MM-DDThh:mm:ss+08:00`.
    public let time: String
    public let site: String
    public let operatorID: String
    public let form: String
    public let formVersion: Int
    public let credential: String
    public let holder: String?
    public let idNumber: String?
    public let colour: String?
    public let fields: [String: JSONValue]
    public let events: [Int64]?

    enum CodingKeys: String, CodingKey {
        case id, time, site, operatorID = "operator", form, formVersion, credential, holder, idNumber, colour, fields, events
    }

    /// The report of `registration`; identity fields of the form (`idNumber`, and every field of
    /// type `citizenID`) are masked too unless `unmasked`.
    public init(_ registration: StoredRegistration, unmasked: Bool, forms: [String: ScenarioForm] = ScenarioForm.shipped) {
        id = registration.id
        time = ChinaTime.dateTime(at: registration.time).description + "+08:00"
        site = registration.site
        operatorID = registration.operatorID
        form = registration.form
        formVersion = registration.formVersion
        credential = registration.credential
        idNumber = registration.shownIDNumber(unmasked: unmasked)
        holder = registration.holder.map { unmasked ? $0 : ((try? PassHolder($0))?.masked ?? $0) }
        colour = registration.colour
        var fields = registration.fields
        if !unmasked {
            let idFields = Set((forms[registration.form]?.fields ?? []).filter { $0.type == .citizenID }.map(\.id) + ["idNumber"])
            for key in idFields {
                if case .string(let text)? = fields[key] {
                    fields[key] = .string((try? PersonID(text))?.masked ?? String(repeating: "*", count: text.count))
                }
            }
        }
        self.fields = fields
        events = registration.events
    }

    /// The CSV header of ``csvRow``.
    public static let csvHeader = CSVCell.row([
        "id", "time", "site", "operator", "form", "formVersion", "credential", "holder", "idNumber", "colour", "fields",
        "events",
    ])

    /// One CSV line (the form's fields as one JSON cell, keys sorted).
    public var csvRow: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return CSVCell.row([
            "\(id)", time, site, operatorID, form, "\(formVersion)", credential, holder ?? "", idNumber ?? "",
            colour ?? "", json, events.map { $0.map(String.init).joined(separator: " ") } ?? "",
        ])
    }
}

extension RegistrationStore {
    /// Output formats of ``export(matching:to:format:unmasked:)``.
    public enum ExportFormat: String, Sendable, CaseIterable {
        case csv, json
    }

    /// Writes the registrations matching `filter` to `path` through `AtomicFile` (complete or not
    /// at all), masked unless `unmasked`.
    ///
    /// - Returns: how many were written.
    @discardableResult
    public func export(matching filter: RegistrationFilter, to path: String, format: ExportFormat, unmasked: Bool) throws
        -> Int
    {
        let reports = try registrations(matching: filter).map { RegistrationReport($0, unmasked: unmasked) }
        let bytes: [UInt8]
        switch format {
        case .csv:
            bytes = Array(([RegistrationReport.csvHeader] + reports.map(\.csvRow)).map { $0 + "\r\n" }.joined().utf8)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            bytes = Array(try encoder.encode(reports)) + [0x0A]
        }
        try AtomicFile.write(bytes, to: path, mode: unmasked ? AtomicFile.ownerOnlyMode : AtomicFile.publicMode)
        return reports.count
    }
}
