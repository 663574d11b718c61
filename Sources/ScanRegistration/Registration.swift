import Foundation
import GRDB
import HealthCardFoundation
import PersonalHealthCode

/// A registration to store: who registered whom, where, with which form, and what was filled in.
public struct NewRegistration: Hashable, Sendable {
    public var site: String
    /// The staff member who registered (every registration is attributed to a site and an operator).
    public var operatorID: String
    /// The form id and version the fields were validated against.
    public var form: String
    public var formVersion: Int
    public var time: Date
    /// `Credential.Kind` of the scan, or `none` for a site's own filing.
    public var credential: String
    /// `PassHolder.storedValue`, in full.
    public var holder: String?
    /// The person's ID number (in full; masked on output unless asked).
    public var idNumber: String?
    public var colour: String?
    public var codeID: String?
    public var fields: [String: JSONValue]
}

/// A stored registration.
public struct StoredRegistration: Hashable, Sendable {
    /// The acknowledgement number.
    public let id: Int64
    public let site: String
    public let operatorID: String
    public let form: String
    public let formVersion: Int
    public let time: Date
    public let credential: String
    public let holder: String?
    public let idNumber: String?
    public let colour: String?
    public let codeID: String?
    public let fields: [String: JSONValue]
    /// The ids of the events it raised in the event store; `nil` if none were recorded (no event
    /// store, or a crash between the two writes).
    public let events: [Int64]?

    init(row: Row) throws {
        id = row["id"]
        site = row["site"]
        operatorID = row["operator"]
        form = row["form"]
        formVersion = row["formVersion"]
        time = Date(timeIntervalSince1970: TimeInterval(row["time"] as Int64))
        credential = row["credential"]
        holder = row["holder"]
        idNumber = row["idNumber"]
        colour = row["colour"]
        codeID = row["codeId"]
        let fieldsText: String = row["fields"]
        guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: Data(fieldsText.utf8)) else {
            throw HealthCardError.malformed("registration \(id): stored fields are not a JSON object")
        }
        fields = object
        if let eventsText = row["events"] as String? {
            guard case .array(let items) = try? JSONDecoder().decode(JSONValue.self, from: Data(eventsText.utf8)) else {
                throw HealthCardError.malformed("registration \(id): stored event ids are not a JSON array")
            }
            events = items.compactMap { if case .number(let x) = $0 { Int64(x) } else { nil } }
        } else {
            events = nil
        }
    }

    /// The ID number for output: masked (`110105********002X`) unless `unmasked`.
    public func shownIDNumber(unmasked: Bool) -> String? {
        guard let idNumber else { return nil }
        if unmasked { return idNumber }
        return (try? PersonID(idNumber))?.masked ?? String(repeating: "*", count: idNumber.count)
    }
}

/// Which registrations a query or an export covers; every condition is optional.
public struct RegistrationFilter: Hashable, Sendable {
    public var site: String?
    /// The form id (the scenario): `pharmacy`.
    public var form: String?
    /// From this instant (inclusive).
    public var from: Date?
    /// Before this instant.
    public var to: Date?

    public init(site: String? = nil, form: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.site = site
        self.form = form
        self.from = from
        self.to = to
    }
}
