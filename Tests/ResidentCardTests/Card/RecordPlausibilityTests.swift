import HealthCardFoundation
import ResidentCard
import Testing

/// Records that encode but cannot be true are refused before they reach a card.
@Suite("Record plausibility: dates, names and the ID number agree")
struct RecordPlausibilityTests {
    static let today = CalendarDate(year: 2026, month: 12, day: 6)!
    static func date(_ y: Int, _ m: Int, _ d: Int) -> CalendarDate { CalendarDate(year: y, month: m, day: d)! }

    @Test("a consistent holder passes; each contradiction is named")
    func holder() {
        let good = HolderRecord(name: "张三丰", sex: .female, birthDate: Self.date(1949, 12, 31), idNumber: "11010519491231002X")
        #expect(RecordPlausibility.problems(in: good, today: Self.today).isEmpty)
        var future = good
        future.birthDate = Self.date(2999, 12, 31)
        #expect(RecordPlausibility.problems(in: future, today: Self.today).contains("birthDate: 2999-12-31 is in the future"))
        var other = good
        other.birthDate = Self.date(1950, 1, 1)
        #expect(
            RecordPlausibility.problems(in: other, today: Self.today)
                == ["birthDate: 1950-01-01 contradicts the ID number, which says 1949-12-31"])
        var male = good
        male.sex = .male
        #expect(RecordPlausibility.problems(in: male, today: Self.today).first?.hasPrefix("sex: 1 contradicts") == true)
        var empty = good
        empty.name = "  "
        #expect(RecordPlausibility.problems(in: empty, today: Self.today) == ["name: empty"])
        var badID = good
        badID.idNumber = "110105194912310021"
        #expect(RecordPlausibility.problems(in: badID, today: Self.today).first?.hasPrefix("idNumber 110105194912310021: ") == true)
        // An unstated sex and a record without an ID number are not contradictions.
        var unknown = good
        unknown.sex = .notStated
        #expect(RecordPlausibility.problems(in: unknown, today: Self.today).isEmpty)
    }

    @Test("visits and stays: no future dates, no discharge before admission")
    func encounters() {
        var visit = OutpatientRecord()
        visit.visitTime = CalendarDateTime(date: Self.date(3026, 1, 1), hour: 9, minute: 0, second: 0)
        #expect(RecordPlausibility.problems(in: visit, today: Self.today) == ["visitTime: 3026-01-01 is in the future"])
        visit.visitTime = CalendarDateTime(date: Self.date(2026, 11, 22), hour: 9, minute: 0, second: 0)
        #expect(RecordPlausibility.problems(in: visit, today: Self.today).isEmpty)

        var stay = InpatientRecord()
        stay.admissionDate = Self.date(2026, 10, 8)
        stay.dischargeDate = Self.date(2026, 10, 1)
        #expect(
            RecordPlausibility.problems(in: stay, today: Self.today)
                == ["dischargeDate: 2026-10-01 is before the admission on 2026-10-08"])
        stay.dischargeDate = Self.date(2026, 10, 8)
        #expect(RecordPlausibility.problems(in: stay, today: Self.today).isEmpty)
    }

    @Test("a photo must be a JPEG")
    func photo() {
        #expect(RecordPlausibility.photoProblem([0xFF, 0xD8, 0xFF, 0xE0]) == nil)
        #expect(RecordPlausibility.photoProblem(Array(#"{"a": 1}"#.utf8)) != nil)
    }
}
