/// 输血品种代码 (transfusion product) as the resident health card's inpatient record defines it: `1` 红细胞,
/// `2` 血小板, `3` 血浆, `4` 全血, `9` 其他 — the order of the 住院病案首页 transfusion columns.
///
/// On the card: the inpatient record's 4 transfusion groups, product code at offsets 953, 966, 979, 992 as `cn` 1 byte,
/// followed by a 2-byte amount and a 10-byte unit (../shared/specs/health-card.md Appendix A [V]).
///
/// Uncertain ([U]): hospital systems that follow WS 364.9 CV04.50.021 输血品种代码 order it differently (`1` 红细胞,
/// `2` 全血, `3` 血小板, `4` 血浆, `5` 冷沉淀). This table follows the card digest; keep the raw code.
public enum TransfusionProductTable: CodeTable {
    public static let standard = "居民健康卡数据定义"
    public static let subject = "transfusion product"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "红细胞", "red blood cells"),
        CodeEntry("2", "血小板", "platelets"),
        CodeEntry("3", "血浆", "plasma"),
        CodeEntry("4", "全血", "whole blood"),
        CodeEntry("9", "其他", "other"),
    ]
}

public typealias TransfusionProduct = CodedValue<TransfusionProductTable>

extension CodedValue where Table == TransfusionProductTable {
    public static let redBloodCells = TransfusionProduct(code: "1")
    public static let platelets = TransfusionProduct(code: "2")
    public static let plasma = TransfusionProduct(code: "3")
    public static let wholeBlood = TransfusionProduct(code: "4")
    public static let other = TransfusionProduct(code: "9")
}
