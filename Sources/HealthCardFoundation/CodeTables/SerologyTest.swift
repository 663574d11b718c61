/// 住院患者血清学检查项目代码 (serology test) as the resident health card's inpatient record defines it:
/// `0` HBsAg, `1` HCV-Ab, `2` HIV-Ab.
///
/// On the card: the inpatient record's serology test codes 1–3 (offsets 212, 459, 706), each `cn` 1 byte, followed by
/// a ``SerologyResult`` (../shared/specs/health-card.md Appendix A [V]). No national CV list is cited for it.
public enum SerologyTestTable: CodeTable {
    public static let standard = "居民健康卡数据定义"
    public static let subject = "serology test"
    public static let entries: [CodeEntry] = [
        CodeEntry("0", "HBsAg", "hepatitis B surface antigen"),
        CodeEntry("1", "HCV-Ab", "hepatitis C antibody"),
        CodeEntry("2", "HIV-Ab", "HIV antibody"),
    ]
}

public typealias SerologyTest = CodedValue<SerologyTestTable>

extension CodedValue where Table == SerologyTestTable {
    public static let hbsAg = SerologyTest(code: "0")
    public static let hcvAb = SerologyTest(code: "1")
    public static let hivAb = SerologyTest(code: "2")
}
