import HealthCardFoundation

/// What a record must satisfy before it goes onto a card, beyond fitting its fields: values that
/// encode perfectly well but cannot be true. A birth date in the future, an ID number whose birth
/// date or sex contradicts the record's, an empty name, a visit in 3026, a discharge before the
/// admission: once on a card such a record travels to every hospital that reads it, so the
/// terminal session and personalisation refuse it, listing every problem.
///
/// Dates are compared with `today` (China's civil date) so that tests and replays pass a fixed day.
public enum RecordPlausibility {
    /// The oldest birth year accepted: GB 11643's maximum age of 130 is enforced relative to today.
    public static let maximumAge = 130

    /// The problems of a holder record, empty when it is plausible.
    public static func problems(in holder: HolderRecord, today: CalendarDate) -> [String] {
        var problems: [String] = []
        if let name = holder.name, name.allSatisfy(\.isWhitespace) {
            problems.append("name: empty")
        }
        if let birth = holder.birthDate {
            problems += dateProblems("birthDate", birth, today: today)
            if birth.year < today.year - maximumAge {
                problems.append("birthDate: \(birth) is more than \(maximumAge) years ago")
            }
        }
        if let number = holder.idNumber, !number.isEmpty {
            let report = CitizenIDValidator(today: today).validate(number)
            if let error = report.firstError {
                problems.append("idNumber \(number): \(error)")
            } else if report.kind == .citizenID {
                if let birth = holder.birthDate, let implied = report.birthDate, implied != birth {
                    problems.append("birthDate: \(birth) contradicts the ID number, which says \(implied)")
                }
                if let sex = holder.sex, let implied = report.sex, sex == .male || sex == .female, sex != implied {
                    problems.append(
                        "sex: \(sex.code) contradicts the ID number, which says \(implied.code) (\(implied == .male ? "male" : "female"))")
                }
            }
        }
        return problems
    }

    /// The problems of an outpatient visit.
    public static func problems(in visit: OutpatientRecord, today: CalendarDate) -> [String] {
        var problems: [String] = []
        if let time = visit.visitTime { problems += dateProblems("visitTime", time.date, today: today) }
        for (index, symptom) in visit.symptoms.enumerated() {
            if let date = symptom.diagnosisDate { problems += dateProblems("symptoms[\(index)].diagnosisDate", date, today: today) }
            if let onset = symptom.onsetTime { problems += dateProblems("symptoms[\(index)].onsetTime", onset.date, today: today) }
        }
        return problems
    }

    /// The problems of an inpatient stay.
    public static func problems(in stay: InpatientRecord, today: CalendarDate) -> [String] {
        var problems: [String] = []
        if let admission = stay.admissionDate { problems += dateProblems("admissionDate", admission, today: today) }
        if let discharge = stay.dischargeDate { problems += dateProblems("dischargeDate", discharge, today: today) }
        if let admission = stay.admissionDate, let discharge = stay.dischargeDate, discharge < admission {
            problems.append("dischargeDate: \(discharge) is before the admission on \(admission)")
        }
        return problems
    }

    /// Why `bytes` is not a JPEG photo, or `nil` (JPEG starts with `FF D8 FF`, health-card.md §4.3).
    public static func photoProblem(_ bytes: [UInt8]) -> String? {
        bytes.starts(with: [0xFF, 0xD8, 0xFF]) ? nil : "the photo is not a JPEG image (it does not start with FF D8 FF)"
    }

    /// Throws one error listing every problem, each prefixed with `what` (e.g. "outpatient record").
    public static func require(_ problems: [String], in what: String) throws {
        guard !problems.isEmpty else { return }
        throw HealthCardError.invalidValue("\(what): " + problems.joined(separator: "; "))
    }

    private static func dateProblems(_ field: String, _ date: CalendarDate, today: CalendarDate) -> [String] {
        var problems: [String] = []
        if date > today { problems.append("\(field): \(date) is in the future") }
        if date.year < 1900 { problems.append("\(field): \(date) is before 1900") }
        return problems
    }
}
