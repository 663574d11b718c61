/// WS 364.16-2011 CV08.50.002 药物剂型代码 (dosage form): two-digit codes `01` 片剂 … `72`, `90` 试剂盒 and
/// `99` 其他剂型. The standard lists related forms beside each row (素片 and 压制片 under `01`, 冲剂 under `54`, …);
/// those share their row's code and are not separate entries here.
///
/// On the card: the outpatient record's 药物剂型代码1–5 (offsets 2091, 2182, …), each `cn` 1 byte
/// (../shared/specs/health-card.md Appendix B, §9).
///
/// Best knowledge, not checked against the official text (the card digest gives only the table's name); the rows
/// agree with a hospital-system copy of the list. Treat names as uncertain ([U]); unknown codes survive as
/// "unknown code N".
public enum DosageFormTable: CodeTable {
    public static let standard = "WS 364.16-2011 CV08.50.002"
    public static let subject = "dosage form"
    public static let entries: [CodeEntry] = [
        CodeEntry("01", "片剂", "tablet"),
        CodeEntry("02", "糖衣片", "sugar-coated tablet"),
        CodeEntry("03", "咀嚼片", "chewable tablet"),
        CodeEntry("04", "肠溶片", "enteric-coated tablet"),
        CodeEntry("05", "调释片", "modified-release tablet"),
        CodeEntry("06", "泡腾片", "effervescent tablet"),
        CodeEntry("07", "舌下片", "sublingual tablet"),
        CodeEntry("08", "含片", "lozenge"),
        CodeEntry("09", "外用片", "tablet for external use"),
        CodeEntry("10", "阴道片", "vaginal tablet"),
        CodeEntry("11", "水溶片", "soluble tablet"),
        CodeEntry("12", "分散片", "dispersible tablet"),
        CodeEntry("13", "纸片", "paper tablet"),
        CodeEntry("14", "丸剂", "pill"),
        CodeEntry("15", "粉针剂", "powder for injection"),
        CodeEntry("16", "注射液", "injection solution"),
        CodeEntry("17", "注射溶媒", "solvent for injection"),
        CodeEntry("18", "输液剂", "infusion"),
        CodeEntry("19", "胶囊剂", "capsule"),
        CodeEntry("20", "软胶囊", "soft capsule"),
        CodeEntry("21", "肠溶胶囊", "enteric capsule"),
        CodeEntry("22", "调释胶囊", "modified-release capsule"),
        CodeEntry("23", "溶液剂", "solution"),
        CodeEntry("24", "合剂", "mixture"),
        CodeEntry("25", "乳剂", "emulsion"),
        CodeEntry("26", "凝胶剂", "gel"),
        CodeEntry("27", "胶浆剂", "mucilage"),
        CodeEntry("28", "芳香水剂", "aromatic water"),
        CodeEntry("29", "滴剂", "drops"),
        CodeEntry("30", "糖浆剂", "syrup"),
        CodeEntry("31", "口服液", "oral liquid"),
        CodeEntry("32", "浸膏剂", "extract"),
        CodeEntry("33", "流浸膏剂", "liquid extract"),
        CodeEntry("34", "酊剂", "tincture"),
        CodeEntry("35", "醑剂", "spirit"),
        CodeEntry("36", "酏剂", "elixir"),
        CodeEntry("37", "洗剂", "lotion"),
        CodeEntry("38", "搽剂", "liniment"),
        CodeEntry("39", "油剂", "oil"),
        CodeEntry("40", "棉胶剂", "collodion"),
        CodeEntry("41", "涂膜剂", "film-forming solution"),
        CodeEntry("42", "涂布剂", "paint"),
        CodeEntry("43", "滴眼剂", "eye drops"),
        CodeEntry("44", "滴鼻剂", "nasal drops"),
        CodeEntry("45", "滴耳剂", "ear drops"),
        CodeEntry("46", "口腔药剂", "oral-cavity preparation"),
        CodeEntry("47", "灌肠剂", "enema"),
        CodeEntry("48", "软膏剂", "ointment"),
        CodeEntry("49", "霜剂", "cream"),
        CodeEntry("50", "糊剂", "paste"),
        CodeEntry("51", "硬膏剂", "plaster"),
        CodeEntry("52", "眼膏剂", "eye ointment"),
        CodeEntry("53", "散剂", "powder"),
        CodeEntry("54", "颗粒剂", "granules"),
        CodeEntry("55", "泡腾颗粒剂", "effervescent granules"),
        CodeEntry("56", "调释颗粒剂", "modified-release granules"),
        CodeEntry("57", "气雾剂", "aerosol"),
        CodeEntry("58", "喷雾剂", "spray"),
        CodeEntry("59", "混悬雾剂", "suspension aerosol"),
        CodeEntry("60", "吸入药剂", "inhalant"),
        CodeEntry("61", "膜剂", "film"),
        CodeEntry("62", "海绵剂", "sponge"),
        CodeEntry("63", "栓剂", "suppository"),
        CodeEntry("64", "植入栓", "implant"),
        CodeEntry("65", "透皮剂", "transdermal preparation"),
        CodeEntry("66", "控释透皮剂", "controlled-release transdermal preparation"),
        CodeEntry("67", "划痕剂", "scarification preparation"),
        CodeEntry("68", "珠链", "bead chain"),
        CodeEntry("69", "锭剂", "troche"),
        CodeEntry("70", "微囊胶囊", "microcapsule capsule"),
        CodeEntry("71", "干混悬剂", "dry suspension"),
        CodeEntry("72", "吸放剂", "inhalation gas"),
        CodeEntry("90", "试剂盒", "kit"),
        CodeEntry("99", "其他剂型", "other"),
    ]
}

public typealias DosageForm = CodedValue<DosageFormTable>

extension CodedValue where Table == DosageFormTable {
    public static let tablet = DosageForm(code: "01")
    public static let powderForInjection = DosageForm(code: "15")
    public static let injection = DosageForm(code: "16")
    public static let infusion = DosageForm(code: "18")
    public static let capsule = DosageForm(code: "19")
    public static let syrup = DosageForm(code: "30")
    public static let ointment = DosageForm(code: "48")
    public static let granules = DosageForm(code: "54")
    public static let other = DosageForm(code: "99")
}
