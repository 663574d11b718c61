/// WS 364.3-2011 CV02.01.101 身份证件类别代码 (identity document type).
///
/// On the card: DF01/EF08 item 37 证件类别, `cn` 1 byte (../shared/specs/health-card.md §4.5 [V], §9).
/// The card digest writes the codes in 1-digit form (`1` 身份证 … `5` 驾驶证, `99` 其他); the standard writes
/// two digits. A `cn` byte holds either (`1F` or `01`), and the lenient lookup finds `01` for `1`.
public enum IdentityDocumentTypeTable: CodeTable {
    public static let standard = "WS 364.3-2011 CV02.01.101"
    public static let subject = "identity document type"
    public static let entries: [CodeEntry] = [
        CodeEntry("01", "居民身份证", "resident identity card"),
        CodeEntry("02", "居民户口簿", "household register"),
        CodeEntry("03", "护照", "passport"),
        CodeEntry("04", "军官证", "military officer's card"),
        CodeEntry("05", "驾驶证", "driving licence"),
        CodeEntry("06", "港澳居民来往内地通行证", "Hong Kong / Macao residents' mainland travel permit"),
        CodeEntry("07", "台湾居民来往内地通行证", "Taiwan residents' mainland travel permit"),
        CodeEntry("99", "其他法定有效证件", "other legal identity document"),
    ]
}

public typealias IdentityDocumentType = CodedValue<IdentityDocumentTypeTable>

extension CodedValue where Table == IdentityDocumentTypeTable {
    public static let residentIDCard = IdentityDocumentType(code: "01")
    public static let householdRegister = IdentityDocumentType(code: "02")
    public static let passport = IdentityDocumentType(code: "03")
    public static let hongKongMacaoPermit = IdentityDocumentType(code: "06")
    public static let taiwanPermit = IdentityDocumentType(code: "07")
    public static let other = IdentityDocumentType(code: "99")
}
