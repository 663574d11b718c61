/// 卡的类别 (card type), DDF1/EF05 item 1: `ans` 1 byte; a real test card holds ASCII `1`
/// (../shared/specs/health-card.md §4.1 [T]).
///
/// The value domain is disputed (../shared/specs/health-card.md §11 item 1): the structure spreadsheet says `1` 普通卡 /
/// `2` 高级卡, a vendor data-definition document says `01` 正式卡 / `02` 临时卡. This table ships the spreadsheet
/// reading, but the raw string is what ``CodedValue/code`` keeps, so nothing is lost if the other reading turns out
/// right. Note that the lenient lookup maps `01` to `1` 普通卡; a `02` shown as 高级卡 may really be 临时卡.
public enum CardTypeTable: CodeTable {
    public static let standard = "居民健康卡数据定义 (structure spreadsheet)"
    public static let subject = "card type"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "普通卡", "ordinary card"),
        CodeEntry("2", "高级卡", "advanced card"),
    ]
}

public typealias CardType = CodedValue<CardTypeTable>

extension CodedValue where Table == CardTypeTable {
    public static let ordinary = CardType(code: "1")
    public static let advanced = CardType(code: "2")
}
