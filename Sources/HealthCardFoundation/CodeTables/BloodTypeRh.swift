/// Rh血型代码 (Rh(D) blood group) as the resident health card documents it: `1` Rh阳性, `2` Rh阴性, `3` 不详.
///
/// On the card: DF02/EF05 item 42 RH血型代码, `cn` 1 byte (../shared/specs/health-card.md §4.6).
///
/// The values follow the card digest §4.6 ("1 Rh+ (not negative), 2 Rh−, 3 unknown"), which names no standard
/// for this item. The national list is WS 364.9 CV04.50.020, but the 住院病案首页 form prints the opposite order
/// (`1.阴 2.阳 3.不详 4.未查`) and hospital systems cite CV04.50.020 for that order. No written card has confirmed
/// either reading, so the value domain is uncertain ([U]): the raw code is always kept next to the name; check the
/// issuer's convention before acting on `1` or `2`.
public enum BloodTypeRhTable: CodeTable {
    public static let standard = "WS 364.9-2011 CV04.50.020 (card reading)"
    public static let subject = "Rh blood group"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "Rh阳性", "Rh positive"),
        CodeEntry("2", "Rh阴性", "Rh negative"),
        CodeEntry("3", "不详", "unknown"),
    ]
}

public typealias BloodTypeRh = CodedValue<BloodTypeRhTable>

extension CodedValue where Table == BloodTypeRhTable {
    public static let positive = BloodTypeRh(code: "1")
    public static let negative = BloodTypeRh(code: "2")
    public static let unknown = BloodTypeRh(code: "3")
}
