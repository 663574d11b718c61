/// WS 364.13-2011 CV07.10.003 医疗付款方式代码 (who pays for care).
///
/// On the card: DDF1/EF08 items 18–20 医疗费用支付方式1–3, the inpatient record's 医疗付款方式 (offset 1068) and the
/// outpatient record's (offset 155), each `cn` 1 byte (../shared/specs/health-card.md §4.4, §9, Appendix A/B).
///
/// Vendor lists write these as 1-digit codes `1`–`8` (the 住院病案首页 order, with `9` 其他), while WS 364.13 writes
/// two digits (../shared/specs/health-card.md §11 item 10). A `cn` byte holds either, so the lookup is lenient: `1`
/// finds `01`. The 1-digit `9` has its own row, since no two-digit code equals it numerically.
public enum PaymentMethodTable: CodeTable {
    public static let standard = "WS 364.13-2011 CV07.10.003"
    public static let subject = "payment method"
    public static let entries: [CodeEntry] = [
        CodeEntry("01", "城镇职工基本医疗保险", "urban employee basic medical insurance"),
        CodeEntry("02", "城镇居民基本医疗保险", "urban resident basic medical insurance"),
        CodeEntry("03", "新型农村合作医疗", "new rural cooperative medical scheme"),
        CodeEntry("04", "贫困救助", "poverty relief"),
        CodeEntry("05", "商业医疗保险", "commercial medical insurance"),
        CodeEntry("06", "全公费", "fully publicly funded"),
        CodeEntry("07", "全自费", "fully self-paid"),
        CodeEntry("08", "其他社会保险", "other social insurance"),
        CodeEntry("99", "其他", "other"),
        CodeEntry("9", "其他", "other (1-digit vendor form of 99)"),
    ]
}

public typealias PaymentMethod = CodedValue<PaymentMethodTable>

extension CodedValue where Table == PaymentMethodTable {
    public static let urbanEmployeeInsurance = PaymentMethod(code: "01")
    public static let urbanResidentInsurance = PaymentMethod(code: "02")
    public static let ruralCooperative = PaymentMethod(code: "03")
    public static let commercialInsurance = PaymentMethod(code: "05")
    public static let selfPaid = PaymentMethod(code: "07")
    public static let other = PaymentMethod(code: "99")
}
