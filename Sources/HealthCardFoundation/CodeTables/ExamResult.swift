/// 检查/检验结果代码 (examination or laboratory result) as the resident health card's outpatient record defines it:
/// `1` 异常, `2` 正常, `3` 不确定.
///
/// On the card: the outpatient record's 10 exam/lab groups, result code at offsets 861, 987, … as `cn` 1 byte, next to
/// a 5-byte quantitative result (../shared/specs/health-card.md Appendix B [V]).
public enum ExamResultTable: CodeTable {
    public static let standard = "居民健康卡数据定义"
    public static let subject = "exam result"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "异常", "abnormal"),
        CodeEntry("2", "正常", "normal"),
        CodeEntry("3", "不确定", "uncertain"),
    ]
}

public typealias ExamResult = CodedValue<ExamResultTable>

extension CodedValue where Table == ExamResultTable {
    public static let abnormal = ExamResult(code: "1")
    public static let normal = ExamResult(code: "2")
    public static let uncertain = ExamResult(code: "3")
}
