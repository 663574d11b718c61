import HealthCardFoundation
import PersonalHealthCode

/// The events a registration raises for the colour engine (issue 20 §4), by form:
///
/// | form | event | bears on the colour |
/// |---|---|---|
/// | `fever-clinic` | `feverClinicVisit(excludesCOVID: false)` | always (v2021-08 yellow (1): fever-clinic visitors) |
/// | `pharmacy` with an antipyretic or antitussive line | `feverMedicinePurchase` | only under a rule set with `feverMedicinePurchaseYellowDays` [U] |
/// | `medical-observation` | `caseOpened(caseType)` | only under a rule set with `medicalObservationOpensCase` [U] |
/// | the others | none | |
///
/// Why the pharmacy event is raised whatever the rule set says: the event log is the only state,
/// and the colour is recomputed from it under any rule set (health-code.md §5.3), so a province
/// that switches the rule on later sees past purchases. An observation opens a case, which is an
/// authority's act, so it is raised only where the rule set says the observation site may.
public enum RegistrationEffects {
    /// Drug categories that count as fever or cough medicine.
    public static let feverMedicineCategories: Set<String> = ["antipyretic", "antitussive"]

    /// The events `form` with `values` raises at `time` under `rules`.
    public static func events(form: String, values: [String: JSONValue], at time: CalendarDateTime, rules: RuleSet)
        -> [HealthEvent]
    {
        switch form {
        case "fever-clinic":
            return [HealthEvent(time, .feverClinicVisit(excludesCOVID: false))]
        case "pharmacy":
            guard case .array(let rows)? = values["drugs"] else { return [] }
            let fever = rows.contains { row in
                if case .object(let line) = row, case .string(let category)? = line["category"] {
                    return feverMedicineCategories.contains(category)
                }
                return false
            }
            return fever ? [HealthEvent(time, .feverMedicinePurchase)] : []
        case "medical-observation":
            guard rules.medicalObservationOpensCase == true, case .string(let type)? = values["caseType"],
                let status = HealthEvent.CaseStatus(rawValue: type)
            else { return [] }
            return [HealthEvent(time, .caseOpened(status))]
        default:
            return []
        }
    }
}
