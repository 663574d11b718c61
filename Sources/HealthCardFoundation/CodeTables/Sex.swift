/// GB/T 2261.1-2003 人的性别代码 (sex). On the card: `b` 1 byte holding the code as a binary value
/// (../shared/specs/health-card.md §4.2, §9; ../shared/specs/empi.md §3.2).
public enum SexTable: CodeTable {
    public static let standard = "GB/T 2261.1-2003"
    public static let subject = "sex"
    public static let entries: [CodeEntry] = [
        CodeEntry("0", "未知的性别", "not known"),
        CodeEntry("1", "男性", "male"),
        CodeEntry("2", "女性", "female"),
        CodeEntry("9", "未说明的性别", "not stated"),
    ]
}

public typealias Sex = CodedValue<SexTable>

extension CodedValue where Table == SexTable {
    public static let notKnown = Sex(code: "0")
    public static let male = Sex(code: "1")
    public static let female = Sex(code: "2")
    public static let notStated = Sex(code: "9")
}
