/// GB/T 4761-2008 家庭关系代码 (family relation): two-digit codes whose first digit is the class (`1x` spouse,
/// `2x` son, `3x` daughter, `4x` grandchild, `5x` parent, `6x` grandparent, `7x` sibling, `8x`/`9x` other relatives),
/// `99` for someone who is not a relative, plus the 1-digit class codes `0`–`9` that vendor lists use.
///
/// On the card: DF01/EF06 items 26, 29, 32 联系人关系1–3, `cn` 1 byte (../shared/specs/health-card.md §4.5, §9).
///
/// Uncertain ([U]): the structure spreadsheet names GB/T 4761, but one vendor lists its own 1-digit list
/// (`0` 本人, `1` 配偶, `2` 子, `3` 女, …). Both are in this table. On a card they cannot be confused, because a `cn`
/// byte keeps the digit count (`1F` is the 1-digit `1` 配偶, `01` is GB/T 4761's 本人), and exact codes are always
/// looked up first. Only a writer that pads 1-digit codes with a leading zero would be misread; keep the raw code.
public enum FamilyRelationTable: CodeTable {
    public static let standard = "GB/T 4761-2008"
    public static let subject = "family relation"
    public static let entries: [CodeEntry] = [
        CodeEntry("01", "本人", "self"),
        CodeEntry("02", "户主", "head of household"),
        CodeEntry("10", "配偶", "spouse"),
        CodeEntry("11", "夫", "husband"),
        CodeEntry("12", "妻", "wife"),
        CodeEntry("20", "子", "son"),
        CodeEntry("21", "独生子", "only son"),
        CodeEntry("22", "长子", "eldest son"),
        CodeEntry("23", "次子", "second son"),
        CodeEntry("24", "三子", "third son"),
        CodeEntry("25", "四子", "fourth son"),
        CodeEntry("26", "五子", "fifth son"),
        CodeEntry("27", "养子或继子", "adopted son or stepson"),
        CodeEntry("28", "女婿", "son-in-law"),
        CodeEntry("29", "其他儿子", "other son"),
        CodeEntry("30", "女", "daughter"),
        CodeEntry("31", "独生女", "only daughter"),
        CodeEntry("32", "长女", "eldest daughter"),
        CodeEntry("33", "次女", "second daughter"),
        CodeEntry("34", "三女", "third daughter"),
        CodeEntry("35", "四女", "fourth daughter"),
        CodeEntry("36", "五女", "fifth daughter"),
        CodeEntry("37", "养女或继女", "adopted daughter or stepdaughter"),
        CodeEntry("38", "儿媳", "daughter-in-law"),
        CodeEntry("39", "其他女儿", "other daughter"),
        CodeEntry("40", "孙子、孙女或外孙子、外孙女", "grandchild"),
        CodeEntry("41", "孙子", "son's son"),
        CodeEntry("42", "孙女", "son's daughter"),
        CodeEntry("43", "外孙子", "daughter's son"),
        CodeEntry("44", "外孙女", "daughter's daughter"),
        CodeEntry("45", "孙媳妇或外孙媳妇", "grandson's wife"),
        CodeEntry("46", "孙女婿或外孙女婿", "granddaughter's husband"),
        CodeEntry("47", "曾孙子或曾外孙子", "great-grandson"),
        CodeEntry("48", "曾孙女或曾外孙女", "great-granddaughter"),
        CodeEntry("49", "其他孙子、孙女或外孙子、外孙女", "other grandchild"),
        CodeEntry("50", "父母", "parent"),
        CodeEntry("51", "父亲", "father"),
        CodeEntry("52", "母亲", "mother"),
        CodeEntry("53", "公公", "husband's father"),
        CodeEntry("54", "婆婆", "husband's mother"),
        CodeEntry("55", "岳父", "wife's father"),
        CodeEntry("56", "岳母", "wife's mother"),
        CodeEntry("57", "继父或养父", "stepfather or adoptive father"),
        CodeEntry("58", "继母或养母", "stepmother or adoptive mother"),
        CodeEntry("59", "其他父母关系", "other parent"),
        CodeEntry("60", "祖父母或外祖父母", "grandparent"),
        CodeEntry("61", "祖父", "father's father"),
        CodeEntry("62", "祖母", "father's mother"),
        CodeEntry("63", "外祖父", "mother's father"),
        CodeEntry("64", "外祖母", "mother's mother"),
        CodeEntry("65", "配偶的祖父母或外祖父母", "spouse's grandparent"),
        CodeEntry("66", "曾祖父", "great-grandfather"),
        CodeEntry("67", "曾祖母", "great-grandmother"),
        CodeEntry("68", "配偶的曾祖父母或外曾祖父母", "spouse's great-grandparent"),
        CodeEntry("69", "其他祖父母或外祖父母关系", "other grandparent"),
        CodeEntry("70", "兄、弟、姐、妹", "sibling"),
        CodeEntry("71", "兄", "elder brother"),
        CodeEntry("72", "嫂", "elder brother's wife"),
        CodeEntry("73", "弟", "younger brother"),
        CodeEntry("74", "弟媳", "younger brother's wife"),
        CodeEntry("75", "姐姐", "elder sister"),
        CodeEntry("76", "姐夫", "elder sister's husband"),
        CodeEntry("77", "妹妹", "younger sister"),
        CodeEntry("78", "妹夫", "younger sister's husband"),
        CodeEntry("79", "其他兄弟姐妹", "other sibling"),
        CodeEntry("80", "其他", "other relative"),
        CodeEntry("81", "伯父", "father's elder brother"),
        CodeEntry("82", "伯母", "father's elder brother's wife"),
        CodeEntry("83", "叔父", "father's younger brother"),
        CodeEntry("84", "婶母", "father's younger brother's wife"),
        CodeEntry("85", "舅父", "mother's brother"),
        CodeEntry("86", "舅母", "mother's brother's wife"),
        CodeEntry("87", "姨父", "mother's sister's husband"),
        CodeEntry("88", "姨母", "mother's sister"),
        CodeEntry("89", "姑父", "father's sister's husband"),
        CodeEntry("90", "姑母", "father's sister"),
        CodeEntry("91", "堂兄弟、堂姐妹", "paternal cousin"),
        CodeEntry("92", "表兄弟、表姐妹", "maternal or cross cousin"),
        CodeEntry("93", "侄子", "brother's son"),
        CodeEntry("94", "侄女", "brother's daughter"),
        CodeEntry("95", "外甥", "sister's son"),
        CodeEntry("96", "外甥女", "sister's daughter"),
        CodeEntry("97", "其他亲属", "other relative"),
        CodeEntry("99", "非亲属", "not a relative"),
        CodeEntry("0", "本人或户主", "self or head of household (1-digit class)"),
        CodeEntry("1", "配偶", "spouse (1-digit class)"),
        CodeEntry("2", "子", "son (1-digit class)"),
        CodeEntry("3", "女", "daughter (1-digit class)"),
        CodeEntry("4", "孙子、孙女或外孙子、外孙女", "grandchild (1-digit class)"),
        CodeEntry("5", "父母", "parent (1-digit class)"),
        CodeEntry("6", "祖父母或外祖父母", "grandparent (1-digit class)"),
        CodeEntry("7", "兄、弟、姐、妹", "sibling (1-digit class)"),
        CodeEntry("8", "其他", "other (1-digit class)"),
        CodeEntry("9", "非亲属", "not a relative (1-digit class)"),
    ]
}

public typealias FamilyRelation = CodedValue<FamilyRelationTable>

extension CodedValue where Table == FamilyRelationTable {
    public static let oneself = FamilyRelation(code: "01")
    public static let headOfHousehold = FamilyRelation(code: "02")
    public static let spouse = FamilyRelation(code: "10")
    public static let son = FamilyRelation(code: "20")
    public static let daughter = FamilyRelation(code: "30")
    public static let parent = FamilyRelation(code: "50")
    public static let father = FamilyRelation(code: "51")
    public static let mother = FamilyRelation(code: "52")
    public static let sibling = FamilyRelation(code: "70")
    public static let otherRelative = FamilyRelation(code: "97")
    public static let nonRelative = FamilyRelation(code: "99")
}
