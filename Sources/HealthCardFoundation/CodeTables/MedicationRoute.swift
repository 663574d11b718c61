/// WS 364.12-2011 CV06.00.102 用药途径代码 (medication route): 1-digit routes and 3-digit sub-routes whose first
/// digit is the route (`4` injection → `401` subcutaneous … `404` intravenous), `699` and `9` for the rest.
///
/// On the card: the outpatient record's 药物使用途径代码1–5 (offsets 2130, 2221, …), each `cn` 2 bytes, so up to four
/// digits fit (`401` is stored `40 1F`) (../shared/specs/health-card.md Appendix B, §9).
///
/// The rows match two independent hospital-system code lists; one of them splits `404` into `404` 静脉注射 and
/// `405` 静脉滴注, which this table does not (a `405` survives as "unknown code 405"). Treat the value domain as
/// slightly uncertain ([U]).
public enum MedicationRouteTable: CodeTable {
    public static let standard = "WS 364.12-2011 CV06.00.102"
    public static let subject = "medication route"
    public static let entries: [CodeEntry] = [
        CodeEntry("1", "口服", "oral"),
        CodeEntry("2", "直肠用药", "rectal"),
        CodeEntry("3", "舌下用药", "sublingual"),
        CodeEntry("4", "注射用药", "injection"),
        CodeEntry("401", "皮下注射", "subcutaneous injection"),
        CodeEntry("402", "皮内注射", "intradermal injection"),
        CodeEntry("403", "肌肉注射", "intramuscular injection"),
        CodeEntry("404", "静脉注射或静脉滴注", "intravenous injection or infusion"),
        CodeEntry("5", "吸入用药", "inhalation"),
        CodeEntry("6", "局部用药", "local application"),
        CodeEntry("601", "椎管内用药", "intraspinal"),
        CodeEntry("602", "关节腔内用药", "intra-articular"),
        CodeEntry("603", "胸膜腔用药", "intrapleural"),
        CodeEntry("604", "腹腔用药", "intraperitoneal"),
        CodeEntry("605", "阴道用药", "vaginal"),
        CodeEntry("606", "气管内用药", "intratracheal"),
        CodeEntry("607", "滴眼", "eye drops"),
        CodeEntry("608", "滴鼻", "nasal drops"),
        CodeEntry("609", "喷喉", "throat spray"),
        CodeEntry("610", "含化", "dissolved in the mouth"),
        CodeEntry("611", "敷伤口", "wound dressing"),
        CodeEntry("612", "擦皮肤", "rubbed on the skin"),
        CodeEntry("699", "其他局部用药途径", "other local route"),
        CodeEntry("9", "其他用药途径", "other route"),
    ]
}

public typealias MedicationRoute = CodedValue<MedicationRouteTable>

extension CodedValue where Table == MedicationRouteTable {
    public static let oral = MedicationRoute(code: "1")
    public static let sublingual = MedicationRoute(code: "3")
    public static let injection = MedicationRoute(code: "4")
    public static let subcutaneous = MedicationRoute(code: "401")
    public static let intramuscular = MedicationRoute(code: "403")
    public static let intravenous = MedicationRoute(code: "404")
    public static let inhalation = MedicationRoute(code: "5")
    public static let other = MedicationRoute(code: "9")
}
