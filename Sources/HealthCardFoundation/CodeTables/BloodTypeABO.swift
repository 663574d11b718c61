/// WS 364.9-2011 CV04.50.005 ABO血型代码 (ABO blood group).
///
/// On the card: DF02/EF05 item 41 ABO血型代码, `b` 1 byte holding the code as a binary value (`01` for A)
/// (../shared/specs/health-card.md §4.6 [T structure], §9).
public enum BloodTypeABOTable: CodeTable {
    public static let standard = "WS 364.9-2011 CV04.50.005"
    public static let subject = "ABO blood group"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "A型", "A"),
        CodeEntry("2", "B型", "B"),
        CodeEntry("3", "O型", "O"),
        CodeEntry("4", "AB型", "AB"),
        CodeEntry("5", "不详", "unknown"),
    ]
}

public typealias BloodTypeABO = CodedValue<BloodTypeABOTable>

extension CodedValue where Table == BloodTypeABOTable {
    public static let a = BloodTypeABO(code: "1")
    public static let b = BloodTypeABO(code: "2")
    public static let o = BloodTypeABO(code: "3")
    public static let ab = BloodTypeABO(code: "4")
    public static let unknown = BloodTypeABO(code: "5")
}
