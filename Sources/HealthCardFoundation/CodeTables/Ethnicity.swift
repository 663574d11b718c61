/// GB 3304-1991 中国各民族名称的罗马字母拼写法和代码 (ethnicity): numeric codes `01` 汉族 … `56` 基诺族,
/// each with the standard's two-letter code as its ``CodeEntry/alternateCode`` (`HA`, `MG`, …), plus `97` 其他
/// and `98` 外国血统中国籍人士, which are in common use (../shared/specs/empi.md §3.2).
///
/// On the card: DDF1/EF06 item 13 民族代码, `cn` 1 byte holding the two digits, e.g. `01` for 汉族
/// (../shared/specs/health-card.md §4.2 [T], §9). Messages and hand-written records sometimes carry the
/// letter code instead; ``CodeTable/entry(for:)`` finds either, and a 1-digit `1` finds `01`.
public enum EthnicityTable: CodeTable {
    public static let standard = "GB 3304-1991"
    public static let subject = "ethnicity"
    public static let entries: [CodeEntry] = [
        CodeEntry("01", "汉族", "Han", alternate: "HA"),
        CodeEntry("02", "蒙古族", "Mongol", alternate: "MG"),
        CodeEntry("03", "回族", "Hui", alternate: "HU"),
        CodeEntry("04", "藏族", "Tibetan", alternate: "ZA"),
        CodeEntry("05", "维吾尔族", "Uyghur", alternate: "UG"),
        CodeEntry("06", "苗族", "Miao", alternate: "MH"),
        CodeEntry("07", "彝族", "Yi", alternate: "YI"),
        CodeEntry("08", "壮族", "Zhuang", alternate: "ZH"),
        CodeEntry("09", "布依族", "Bouyei", alternate: "BY"),
        CodeEntry("10", "朝鲜族", "Korean", alternate: "CS"),
        CodeEntry("11", "满族", "Manchu", alternate: "MA"),
        CodeEntry("12", "侗族", "Dong", alternate: "DO"),
        CodeEntry("13", "瑶族", "Yao", alternate: "YA"),
        CodeEntry("14", "白族", "Bai", alternate: "BA"),
        CodeEntry("15", "土家族", "Tujia", alternate: "TJ"),
        CodeEntry("16", "哈尼族", "Hani", alternate: "HN"),
        CodeEntry("17", "哈萨克族", "Kazak", alternate: "KZ"),
        CodeEntry("18", "傣族", "Dai", alternate: "DA"),
        CodeEntry("19", "黎族", "Li", alternate: "LI"),
        CodeEntry("20", "傈僳族", "Lisu", alternate: "LS"),
        CodeEntry("21", "佤族", "Va", alternate: "VA"),
        CodeEntry("22", "畲族", "She", alternate: "SH"),
        CodeEntry("23", "高山族", "Gaoshan", alternate: "GS"),
        CodeEntry("24", "拉祜族", "Lahu", alternate: "LH"),
        CodeEntry("25", "水族", "Sui", alternate: "SU"),
        CodeEntry("26", "东乡族", "Dongxiang", alternate: "DX"),
        CodeEntry("27", "纳西族", "Naxi", alternate: "NX"),
        CodeEntry("28", "景颇族", "Jingpo", alternate: "JP"),
        CodeEntry("29", "柯尔克孜族", "Kirgiz", alternate: "KG"),
        CodeEntry("30", "土族", "Tu", alternate: "TU"),
        CodeEntry("31", "达斡尔族", "Daur", alternate: "DU"),
        CodeEntry("32", "仫佬族", "Mulao", alternate: "ML"),
        CodeEntry("33", "羌族", "Qiang", alternate: "QI"),
        CodeEntry("34", "布朗族", "Blang", alternate: "BL"),
        CodeEntry("35", "撒拉族", "Salar", alternate: "SL"),
        CodeEntry("36", "毛南族", "Maonan", alternate: "MN"),
        CodeEntry("37", "仡佬族", "Gelao", alternate: "GL"),
        CodeEntry("38", "锡伯族", "Xibe", alternate: "XB"),
        CodeEntry("39", "阿昌族", "Achang", alternate: "AC"),
        CodeEntry("40", "普米族", "Pumi", alternate: "PM"),
        CodeEntry("41", "塔吉克族", "Tajik", alternate: "TA"),
        CodeEntry("42", "怒族", "Nu", alternate: "NU"),
        CodeEntry("43", "乌孜别克族", "Uzbek", alternate: "UZ"),
        CodeEntry("44", "俄罗斯族", "Russian", alternate: "RS"),
        CodeEntry("45", "鄂温克族", "Ewenki", alternate: "EW"),
        CodeEntry("46", "德昂族", "Deang", alternate: "DE"),
        CodeEntry("47", "保安族", "Bonan", alternate: "BN"),
        CodeEntry("48", "裕固族", "Yugur", alternate: "YG"),
        CodeEntry("49", "京族", "Gin", alternate: "GI"),
        CodeEntry("50", "塔塔尔族", "Tatar", alternate: "TT"),
        CodeEntry("51", "独龙族", "Derung", alternate: "DR"),
        CodeEntry("52", "鄂伦春族", "Oroqen", alternate: "OR"),
        CodeEntry("53", "赫哲族", "Hezhen", alternate: "HZ"),
        CodeEntry("54", "门巴族", "Monba", alternate: "MB"),
        CodeEntry("55", "珞巴族", "Lhoba", alternate: "LB"),
        CodeEntry("56", "基诺族", "Jino", alternate: "JN"),
        CodeEntry("97", "其他", "other"),
        CodeEntry("98", "外国血统中国籍人士", "Chinese citizen of foreign origin"),
    ]
}

public typealias Ethnicity = CodedValue<EthnicityTable>

extension CodedValue where Table == EthnicityTable {
    public static let han = Ethnicity(code: "01")
    public static let mongol = Ethnicity(code: "02")
    public static let hui = Ethnicity(code: "03")
    public static let tibetan = Ethnicity(code: "04")
    public static let uyghur = Ethnicity(code: "05")
    public static let zhuang = Ethnicity(code: "08")
    public static let manchu = Ethnicity(code: "11")
    public static let other = Ethnicity(code: "97")
    public static let foreignOrigin = Ethnicity(code: "98")
}
