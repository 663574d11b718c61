/// 住院患者血清学检查结果代码 (serology result) as the resident health card's inpatient record defines it:
/// `0` 未做, `1` 阴性, `2` 阳性.
///
/// On the card: the inpatient record's serology result codes 1–3 (offsets 213, 460, 707), each `cn` 1 byte, after the
/// ``SerologyTest`` it reports on (../shared/specs/health-card.md Appendix A [V]).
public enum SerologyResultTable: CodeTable {
    public static let standard = "居民健康卡数据定义"
    public static let subject = "serology result"
    public static let entries: [CodeEntry] = [
        CodeEntry("0", "未做", "not done"),
        CodeEntry("1", "阴性", "negative"),
        CodeEntry("2", "阳性", "positive"),
    ]
}

public typealias SerologyResult = CodedValue<SerologyResultTable>

extension CodedValue where Table == SerologyResultTable {
    public static let notDone = SerologyResult(code: "0")
    public static let negative = SerologyResult(code: "1")
    public static let positive = SerologyResult(code: "2")
}
