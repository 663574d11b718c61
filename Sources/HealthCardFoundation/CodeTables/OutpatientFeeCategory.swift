/// WS 364.13-2011 CV07.10.001 门诊费用分类代码 (outpatient fee category).
///
/// On the card: the outpatient record's 10 fee groups, 门诊费用分类代码 at offsets 2783, 2808, … as `cn` 1 byte,
/// next to a 20-byte name and a 4-byte amount (../shared/specs/health-card.md Appendix B, §9).
///
/// Uncertain ([U]): the official CV07.10.001 list was not readable in any source behind the card digest, and the
/// rows below are best knowledge of it. Writers also put the category name beside the code on the card, so prefer
/// that name when the two disagree. Lookup is lenient (`1` finds `01`), and codes outside this list survive as
/// "unknown code N".
public enum OutpatientFeeCategoryTable: CodeTable {
    public static let standard = "WS 364.13-2011 CV07.10.001"
    public static let subject = "outpatient fee category"
    public static let entries: [CodeEntry] = [
        CodeEntry("01", "挂号费", "registration"),
        CodeEntry("02", "诊察费", "consultation"),
        CodeEntry("03", "检查费", "examination"),
        CodeEntry("04", "化验费", "laboratory tests"),
        CodeEntry("05", "治疗费", "treatment"),
        CodeEntry("06", "手术费", "surgery"),
        CodeEntry("07", "卫生材料费", "medical materials"),
        CodeEntry("08", "西药费", "Western medicines"),
        CodeEntry("09", "中药饮片费", "Chinese herbal pieces"),
        CodeEntry("10", "中成药费", "Chinese patent medicines"),
        CodeEntry("11", "一般诊疗费", "general consultation fee"),
        CodeEntry("99", "其他", "other"),
    ]
}

public typealias OutpatientFeeCategory = CodedValue<OutpatientFeeCategoryTable>

extension CodedValue where Table == OutpatientFeeCategoryTable {
    public static let registration = OutpatientFeeCategory(code: "01")
    public static let examination = OutpatientFeeCategory(code: "03")
    public static let laboratory = OutpatientFeeCategory(code: "04")
    public static let westernMedicines = OutpatientFeeCategory(code: "08")
    public static let other = OutpatientFeeCategory(code: "99")
}
