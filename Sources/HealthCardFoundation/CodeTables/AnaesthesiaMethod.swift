/// WS 364.12-2011 CV06.00.103 麻醉方法代码 (anaesthesia method): four classes (`1` general, `2` intraspinal,
/// `3` local, `4` combined) with two-digit sub-methods whose first digit is the class, and `9` for the rest.
///
/// On the card: the inpatient record's 麻醉-方法代码1–3 (offsets 457, 704, 951), each `cn` 1 byte, so both the
/// 1-digit classes and the 2-digit sub-methods fit (../shared/specs/health-card.md Appendix A, §9).
///
/// Best knowledge, not checked against the official text (the card digest gives only the table's name): the rows
/// match two independent hospital-system code lists. Treat the sub-method rows as uncertain ([U]); unknown codes
/// survive as "unknown code N".
public enum AnaesthesiaMethodTable: CodeTable {
    public static let standard = "WS 364.12-2011 CV06.00.103"
    public static let subject = "anaesthesia method"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "全身麻醉", "general anaesthesia"),
        CodeEntry("11", "吸入麻醉", "inhalational anaesthesia"),
        CodeEntry("12", "静脉麻醉", "intravenous anaesthesia"),
        CodeEntry("13", "基础麻醉", "basal anaesthesia"),
        CodeEntry("2", "椎管内麻醉", "intraspinal (neuraxial) anaesthesia"),
        CodeEntry("21", "蛛网膜下腔阻滞麻醉", "spinal (subarachnoid) block"),
        CodeEntry("22", "硬脊膜外腔阻滞麻醉", "epidural block"),
        CodeEntry("3", "局部麻醉", "local anaesthesia"),
        CodeEntry("31", "神经丛阻滞麻醉", "plexus block"),
        CodeEntry("32", "神经节阻滞麻醉", "ganglion block"),
        CodeEntry("33", "神经阻滞麻醉", "nerve block"),
        CodeEntry("34", "区域阻滞麻醉", "field block"),
        CodeEntry("35", "局部浸润麻醉", "local infiltration"),
        CodeEntry("36", "表面麻醉", "topical anaesthesia"),
        CodeEntry("4", "复合麻醉", "combined anaesthesia"),
        CodeEntry("41", "静吸复合全麻", "combined intravenous-inhalational general anaesthesia"),
        CodeEntry("42", "针药复合麻醉", "acupuncture-drug combined anaesthesia"),
        CodeEntry("43", "神经丛与硬膜外阻滞复合麻醉", "combined plexus and epidural block"),
        CodeEntry("44", "全麻复合全身降温", "general anaesthesia with systemic hypothermia"),
        CodeEntry("45", "全麻复合控制性降压", "general anaesthesia with controlled hypotension"),
        CodeEntry("9", "其他麻醉方法", "other"),
    ]
}

public typealias AnaesthesiaMethod = CodedValue<AnaesthesiaMethodTable>

extension CodedValue where Table == AnaesthesiaMethodTable {
    public static let general = AnaesthesiaMethod(code: "1")
    public static let intraspinal = AnaesthesiaMethod(code: "2")
    public static let epidural = AnaesthesiaMethod(code: "22")
    public static let local = AnaesthesiaMethod(code: "3")
    public static let combined = AnaesthesiaMethod(code: "4")
    public static let other = AnaesthesiaMethod(code: "9")
}
