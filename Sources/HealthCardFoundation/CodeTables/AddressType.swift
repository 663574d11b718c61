/// 地址类别 (address type) as the resident health card defines it: `1` 户籍地址, `2` 现居住地址.
///
/// On the card: DF01/EF05 items 21 and 23 地址类别1–2, `cn` 1 byte, each followed by a 100-byte address; a real card
/// shows `1F` for `1` (../shared/specs/health-card.md §4.5 [T]).
public enum AddressTypeTable: CodeTable {
    public static let standard = "居民健康卡数据定义"
    public static let subject = "address type"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "户籍地址", "registered (hukou) address"),
        CodeEntry("2", "现居住地址", "current residence"),
    ]
}

public typealias AddressType = CodedValue<AddressTypeTable>

extension CodedValue where Table == AddressTypeTable {
    public static let registered = AddressType(code: "1")
    public static let current = AddressType(code: "2")
}
