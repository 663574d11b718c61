import Foundation
import HealthCardFoundation
import PersonalHealthCode

/// An employee of an employer site, as the employer sees them (issue 20 §2, return to work).
public struct EmployeeStatus: Hashable, Sendable {
    /// `PassHolder.storedValue` of the employee.
    public let holder: String
    public let name: String?
    /// When they last registered their return.
    public let registeredAt: Date
    /// The colour of the code they registered with.
    public let registeredColour: String?
    /// Today's colour from the event store, when the desk has one.
    public let currentColour: HealthColour?
}

extension RegistrationDesk {
    /// The employees who registered their return with `site`, one per person (their latest
    /// registration), with today's colour when the desk has a health-code service.
    public func employeeStatus(site: String, now: Date? = nil) async throws -> [EmployeeStatus] {
        let now = now ?? clock.now()
        var latest: [String: StoredRegistration] = [:]
        for registration in try store.registrations(matching: RegistrationFilter(site: site, form: "return-to-work")) {
            guard let holder = registration.holder else { continue }
            latest[holder] = registration
        }
        var employees: [EmployeeStatus] = []
        for holder in latest.keys.sorted() {
            let registration = latest[holder]!
            var current: HealthColour?
            if let service, let id = registration.idNumber, let person = try? PersonID(id) {
                let events = HealthEventStore.effectiveEvents(try await service.store.events(of: person))
                current = ColourEngine.status(of: events, rules: service.rules, on: ChinaTime.dateTime(at: now).date).colour
            }
            var name: String?
            if case .string(let text)? = registration.fields["name"] { name = text }
            employees.append(
                EmployeeStatus(
                    holder: holder, name: name, registeredAt: registration.time, registeredColour: registration.colour,
                    currentColour: current))
        }
        return employees
    }
}
