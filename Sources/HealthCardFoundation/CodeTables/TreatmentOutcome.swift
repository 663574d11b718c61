/// WS 364.11-2011 CV05.10.010 病情转归代码 (treatment outcome).
///
/// On the card: the inpatient record's 住院患者治疗结果代码1–3 (offsets 317, 564, 811), each `cn` 1 byte
/// (../shared/specs/health-card.md Appendix A, §9).
public enum TreatmentOutcomeTable: CodeTable {
    public static let standard = "WS 364.11-2011 CV05.10.010"
    public static let subject = "treatment outcome"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "治愈", "cured"),
        CodeEntry("2", "好转", "improved"),
        CodeEntry("3", "稳定", "stable"),
        CodeEntry("4", "恶化", "worsened"),
        CodeEntry("5", "死亡", "died"),
        CodeEntry("9", "其他", "other"),
    ]
}

public typealias TreatmentOutcome = CodedValue<TreatmentOutcomeTable>

extension CodedValue where Table == TreatmentOutcomeTable {
    public static let cured = TreatmentOutcome(code: "1")
    public static let improved = TreatmentOutcome(code: "2")
    public static let stable = TreatmentOutcome(code: "3")
    public static let worsened = TreatmentOutcome(code: "4")
    public static let died = TreatmentOutcome(code: "5")
    public static let other = TreatmentOutcome(code: "9")
}
