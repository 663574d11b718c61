import HealthCardFoundation

/// The file system of the resident health card (居民健康卡), health-card.md §2 and §4 with
/// appendices A and B: the one table that the record codecs, the virtual card, fixture
/// validation and `Docs/card-layout.md` all read.
///
/// ```
/// MF 3F00
/// └── DDF1 "WS.SYS.DDF01": EF05 issuer · EF06 holder · EF07 photo · EF08 expiry/phones/payment
///     ├── DF01: EF05 addresses · EF06 contacts · EF07 occupation/marriage · EF08 documents
///     ├── DF02: EF05 clinical flags · EF06 special · EF07 allergies (cyclic 3) · EF08 immunizations (cyclic 10)
///     └── DF03: EF05/EF06 index · EE01-EE03 inpatient · ED01-ED05 outpatient
/// ```
///
/// Files are selected by FID, as every implementation does; the DF names `91 56 00 01 32 0x` and
/// the MF name are from one card family [U] (§11 item 6).
public enum ResidentCardFileSystem {
    public enum DF {
        public static let masterFile = FileIdentifier(rawValue: 0x3F00)
        public static let ddf1 = FileIdentifier(rawValue: 0xDDF1)
        public static let df01 = FileIdentifier(rawValue: 0xDF01)
        public static let df02 = FileIdentifier(rawValue: 0xDF02)
        public static let df03 = FileIdentifier(rawValue: 0xDF03)
    }

    /// DF names as returned in the FCI (tag 84).
    public enum DFName {
        /// "jmjkkyyhj" padded with 00 to 16 bytes [T][U: official?].
        public static let masterFile: [UInt8] = Array("jmjkkyyhj".utf8) + Array(repeating: 0, count: 7)
        /// "WS.SYS.DDF01" [T].
        public static let ddf1: [UInt8] = Array("WS.SYS.DDF01".utf8)
        public static let df01: [UInt8] = [0x91, 0x56, 0x00, 0x01, 0x32, 0x00]
        public static let df02: [UInt8] = [0x91, 0x56, 0x00, 0x01, 0x32, 0x01]
        public static let df03: [UInt8] = [0x91, 0x56, 0x00, 0x01, 0x32, 0x02]
    }

    public enum EF {
        // MARK: DDF1

        /// DDF1/EF05 发卡机构基本数据, free read, personalisation only (§4.1) [T].
        public static let issuer = ElementaryFileSpec(
            parent: DF.ddf1, fid: FileIdentifier(rawValue: 0xEF05), name: "issuer", chineseName: "发卡机构基本数据",
            structure: .tlvRecords, readKey: nil, updateKey: .ukDDF1, writeMode: .personalisationOnly,
            fields: [
                FieldSpec("cardType", "卡的类别", item: 1, length: 1, .ans, .code(CardTypeTable.self), .traceVerified),
                FieldSpec("specVersion", "规范版本", item: 2, length: 4, .ans, .text, .traceVerified),
                FieldSpec("issuerName", "发卡机构名称", item: 3, length: 30, .ans, .text, .traceVerified),
                FieldSpec("issuerCode", "发卡机构代码", item: 4, length: 11, .cn, .digits),
                FieldSpec("issuerCertificate", "发卡机构证书", item: 5, length: 180, .b, .blob, .traceVerified),
                FieldSpec("issueDate", "发卡时间", item: 6, length: 4, .cn, .date, .traceVerified),
                FieldSpec("cardNumber", "卡号", item: 8, length: 18, .ans, .text, .traceVerified),
                FieldSpec("securityCode", "安全码", item: 9, length: 3, .ans, .text, .traceVerified),
                FieldSpec("chipSerial", "芯片序列号", item: 10, length: 10, .ans, .text, .traceVerified),
                FieldSpec("cityCode", "应用城市代码", item: 57, length: 3, .cn, .digits, .traceVerified),
            ], groups: [], certainty: .traceVerified)

        /// DDF1/EF06 持卡人基本信息, read RK_DDF1, personalisation only (§4.2) [T].
        public static let holder = ElementaryFileSpec(
            parent: DF.ddf1, fid: FileIdentifier(rawValue: 0xEF06), name: "holder", chineseName: "持卡人基本信息",
            structure: .tlvRecords, readKey: .rkDDF1, updateKey: .ukDDF1, writeMode: .personalisationOnly,
            fields: [
                FieldSpec("name", "姓名", item: 11, length: 30, .ans, .text, .traceVerified),
                FieldSpec("sex", "性别", item: 12, length: 1, .b, .code(SexTable.self), .traceVerified),
                FieldSpec("ethnicity", "民族代码", item: 13, length: 1, .cn, .code(EthnicityTable.self), .traceVerified),
                FieldSpec("birthDate", "出生日期", item: 14, length: 4, .cn, .date, .traceVerified),
                FieldSpec("idNumber", "居民身份证号码", item: 15, length: 18, .ans, .text, .traceVerified),
            ], groups: [], certainty: .traceVerified)

        /// DDF1/EF07 照片: 2-byte big-endian length then JPEG, ≤ 3074 bytes in all (§4.3, §11 item 8).
        public static let photo = ElementaryFileSpec(
            parent: DF.ddf1, fid: FileIdentifier(rawValue: 0xEF07), name: "photo", chineseName: "照片",
            structure: .transparent(size: 3074), readKey: .rkDDF1, updateKey: .ukDDF1, writeMode: .plainBinary,
            fields: [], groups: [], certainty: .vendorConsistent)

        /// DDF1/EF08 持卡人支付信息 (§4.4).
        public static let payment = ElementaryFileSpec(
            parent: DF.ddf1, fid: FileIdentifier(rawValue: 0xEF08), name: "payment", chineseName: "持卡人支付信息",
            structure: .tlvRecords, readKey: .rkDDF1, updateKey: .ukDDF1, writeMode: .secureMessaging,
            fields: [
                FieldSpec("expiryDate", "卡有效期", item: 7, length: 4, .cn, .date),
                FieldSpec("phone1", "本人电话1", item: 16, length: 20, .ans, .text),
                FieldSpec("phone2", "本人电话2", item: 17, length: 20, .ans, .text),
                FieldSpec("paymentMethod1", "医疗费用支付方式1", item: 18, length: 1, .cn, .code(PaymentMethodTable.self)),
                FieldSpec("paymentMethod2", "医疗费用支付方式2", item: 19, length: 1, .cn, .code(PaymentMethodTable.self)),
                FieldSpec("paymentMethod3", "医疗费用支付方式3", item: 20, length: 1, .cn, .code(PaymentMethodTable.self)),
            ], groups: [], certainty: .vendorConsistent)

        // MARK: DF01 personal information (§4.5)

        public static let addresses = ElementaryFileSpec(
            parent: DF.df01, fid: FileIdentifier(rawValue: 0xEF05), name: "addresses", chineseName: "地址信息",
            structure: .tlvRecords, readKey: .rkDF01, updateKey: .ukDF01, writeMode: .secureMessaging,
            fields: [
                FieldSpec("type1", "地址类别1", item: 21, length: 1, .cn, .code(AddressTypeTable.self), .traceVerified),
                FieldSpec("address1", "地址1", item: 22, length: 100, .ans, .text, .traceVerified),
                FieldSpec("type2", "地址类别2", item: 23, length: 1, .cn, .code(AddressTypeTable.self), .traceVerified),
                FieldSpec("address2", "地址2", item: 24, length: 100, .ans, .text, .traceVerified),
            ], groups: [], certainty: .traceVerified)

        public static let contacts = ElementaryFileSpec(
            parent: DF.df01, fid: FileIdentifier(rawValue: 0xEF06), name: "contacts", chineseName: "联系人信息",
            structure: .tlvRecords, readKey: .rkDF01, updateKey: .ukDF01, writeMode: .secureMessaging,
            fields: (0..<3).flatMap { n -> [FieldSpec] in
                let item = UInt8(25 + 3 * n)
                return [
                    FieldSpec("contacts.\(n + 1).name", "联系人姓名\(n + 1)", item: item, length: 30, .ans, .text, .traceVerified),
                    FieldSpec("contacts.\(n + 1).relation", "联系人关系\(n + 1)", item: item + 1, length: 1, .cn,
                        .code(FamilyRelationTable.self), .uncertain),
                    FieldSpec("contacts.\(n + 1).phone", "联系人电话\(n + 1)", item: item + 2, length: 20, .ans, .text, .traceVerified),
                ]
            }, groups: [], certainty: .traceVerified)

        public static let occupation = ElementaryFileSpec(
            parent: DF.df01, fid: FileIdentifier(rawValue: 0xEF07), name: "occupation", chineseName: "职业婚姻信息",
            structure: .tlvRecords, readKey: .rkDF01, updateKey: .ukDF01, writeMode: .secureMessaging,
            fields: [
                FieldSpec("education", "文化程度代码", item: 34, length: 1, .cn, .code(EducationLevelTable.self)),
                FieldSpec("maritalStatus", "婚姻状况代码", item: 35, length: 1, .cn, .code(MaritalStatusTable.self)),
                FieldSpec("occupation", "职业代码", item: 36, length: 3, .ans, .text),
            ], groups: [], certainty: .vendorConsistent)

        public static let documents = ElementaryFileSpec(
            parent: DF.df01, fid: FileIdentifier(rawValue: 0xEF08), name: "documents", chineseName: "证件记录信息",
            structure: .tlvRecords, readKey: .rkDF01, updateKey: .ukDF01, writeMode: .secureMessaging,
            fields: [
                FieldSpec("documentType", "证件类别", item: 37, length: 1, .cn, .code(IdentityDocumentTypeTable.self)),
                FieldSpec("documentNumber", "证件号码", item: 38, length: 18, .ans, .text),
                FieldSpec("healthRecordNumber", "健康档案编号", item: 39, length: 17, .ans, .text),
                FieldSpec("ncmsNumber", "新农合证(卡)号", item: 40, length: 18, .ans, .text),
            ], groups: [], certainty: .vendorConsistent)

        // MARK: DF02 medical alert (§4.6)

        public static let clinical = ElementaryFileSpec(
            parent: DF.df02, fid: FileIdentifier(rawValue: 0xEF05), name: "clinical", chineseName: "临床基本数据",
            structure: .tlvRecords, readKey: .rkDF02, updateKey: .ukDF02_1, writeMode: .secureMessaging,
            fields: [
                FieldSpec("bloodTypeABO", "ABO血型代码", item: 41, length: 1, .b, .code(BloodTypeABOTable.self), .traceVerified),
                FieldSpec("bloodTypeRh", "RH血型代码", item: 42, length: 1, .cn, .code(BloodTypeRhTable.self), .traceVerified),
            ] + clinicalFlags.enumerated().map { index, flag in
                FieldSpec(flag.key, flag.name, item: UInt8(43 + index), length: 1, .b, .flag, .traceVerified)
            } + [
                FieldSpec("otherAlert", "其他医学警示名称", item: 55, length: 40, .ans, .text, .traceVerified)
            ], groups: [], certainty: .traceVerified)

        /// The twelve T/F flags of DF02/EF05, items 43-54, in record order.
        public static let clinicalFlags: [(key: String, name: String)] = [
            ("asthma", "哮喘标志"), ("heartDisease", "心脏病标志"), ("cardioCerebrovascular", "心脑血管病标志"),
            ("epilepsy", "癫痫病标志"), ("coagulationDisorder", "凝血紊乱标志"), ("diabetes", "糖尿病标志"),
            ("glaucoma", "青光眼标志"), ("dialysis", "透析标志"), ("organTransplant", "器官移植标志"),
            ("missingOrgan", "器官缺失标志"), ("removableProsthesis", "可装卸的义肢标志"), ("pacemaker", "心脏起搏器标志"),
        ]

        /// DF02/EF06 特殊信息: kept apart with its own update key because it is sensitive.
        public static let special = ElementaryFileSpec(
            parent: DF.df02, fid: FileIdentifier(rawValue: 0xEF06), name: "special", chineseName: "特殊信息",
            structure: .tlvRecords, readKey: .rkDF02, updateKey: .ukDF02_2, writeMode: .secureMessaging,
            fields: [FieldSpec("psychiatric", "精神病标志", item: 56, length: 1, .b, .flag)],
            groups: [], certainty: .vendorConsistent)

        /// DF02/EF07 过敏基本数据: cyclic, 3 × 120 bytes, no TLV.
        public static let allergies = ElementaryFileSpec(
            parent: DF.df02, fid: FileIdentifier(rawValue: 0xEF07), name: "allergies", chineseName: "过敏基本数据",
            structure: .cyclic(records: 3, recordLength: 120), readKey: .rkDF02, updateKey: .ukDF02_3,
            writeMode: .plainCyclic,
            fields: [
                FieldSpec("allergen", "过敏物质名称", offset: 0, length: 20, .ans, .text),
                FieldSpec("reaction", "过敏反应", offset: 20, length: 100, .ans, .text),
            ], groups: [], certainty: .vendorConsistent)

        /// DF02/EF08 免疫基本数据: cyclic, 10 × 24 bytes, no TLV.
        public static let immunizations = ElementaryFileSpec(
            parent: DF.df02, fid: FileIdentifier(rawValue: 0xEF08), name: "immunizations", chineseName: "免疫基本数据",
            structure: .cyclic(records: 10, recordLength: 24), readKey: .rkDF02, updateKey: .ukDF02_3,
            writeMode: .plainCyclic,
            fields: [
                FieldSpec("vaccine", "免疫接种名称", offset: 0, length: 20, .ans, .text),
                FieldSpec("date", "免疫接种时间", offset: 20, length: 4, .cn, .date),
            ], groups: [], certainty: .vendorConsistent)

        // MARK: DF03 encounters (§4.7, appendices A and B)

        /// DF03/EF05 住院信息索引: one byte per EE slot, 00 = valid, FF = empty.
        public static let inpatientIndex = ElementaryFileSpec(
            parent: DF.df03, fid: FileIdentifier(rawValue: 0xEF05), name: "inpatientIndex", chineseName: "住院信息索引",
            structure: .linearFixed(records: 3, recordLength: 1), readKey: .rkDF03, updateKey: .ukDF03_1,
            writeMode: .indexMark, fields: [], groups: [], certainty: .vendorConsistent)

        /// DF03/EF06 门诊信息索引: one byte per ED slot.
        public static let outpatientIndex = ElementaryFileSpec(
            parent: DF.df03, fid: FileIdentifier(rawValue: 0xEF06), name: "outpatientIndex", chineseName: "门诊信息索引",
            structure: .linearFixed(records: 5, recordLength: 1), readKey: .rkDF03, updateKey: .ukDF03_1,
            writeMode: .indexMark, fields: [], groups: [], certainty: .vendorConsistent)

        /// EE01-EE03 住院信息, 1893 bytes each (appendix A).
        public static let inpatient: [ElementaryFileSpec] = (1...3).map { slot in
            ElementaryFileSpec(
                parent: DF.df03, fid: FileIdentifier(rawValue: 0xEE00 + UInt16(slot)), name: "inpatient\(slot)",
                chineseName: "住院信息\(slot)", structure: .transparent(size: 1893), readKey: .rkDF03,
                updateKey: .ukDF03_1, writeMode: .plainBinary, fields: EncounterLayout.inpatientFields,
                groups: EncounterLayout.inpatientGroups, certainty: .vendorConsistent)
        }

        /// ED01-ED05 门诊信息, 3267 bytes each (appendix B).
        public static let outpatient: [ElementaryFileSpec] = (1...5).map { slot in
            ElementaryFileSpec(
                parent: DF.df03, fid: FileIdentifier(rawValue: 0xED00 + UInt16(slot)), name: "outpatient\(slot)",
                chineseName: "门诊信息\(slot)", structure: .transparent(size: 3267), readKey: .rkDF03,
                updateKey: .ukDF03_1, writeMode: .plainBinary, fields: EncounterLayout.outpatientFields,
                groups: EncounterLayout.outpatientGroups, certainty: .traceVerified)
        }
    }

    /// Every DF with its EFs, in card order.
    public static let dedicatedFiles: [DedicatedFileSpec] = [
        DedicatedFileSpec(
            fid: DF.ddf1, name: DFName.ddf1, chineseName: "健康卡应用",
            files: [EF.issuer, EF.holder, EF.photo, EF.payment], certainty: .traceVerified),
        DedicatedFileSpec(
            fid: DF.df01, name: DFName.df01, chineseName: "个人信息",
            files: [EF.addresses, EF.contacts, EF.occupation, EF.documents], certainty: .traceVerified),
        DedicatedFileSpec(
            fid: DF.df02, name: DFName.df02, chineseName: "医学警示/生物标识",
            files: [EF.clinical, EF.special, EF.allergies, EF.immunizations], certainty: .traceVerified),
        DedicatedFileSpec(
            fid: DF.df03, name: DFName.df03, chineseName: "就诊信息",
            files: [EF.inpatientIndex, EF.outpatientIndex] + EF.inpatient + EF.outpatient, certainty: .traceVerified),
    ]

    /// Every EF of the card.
    public static let allFiles: [ElementaryFileSpec] = dedicatedFiles.flatMap(\.files)

    /// The EF `fid` inside the DF `parent`.
    public static func file(_ fid: FileIdentifier, in parent: FileIdentifier) -> ElementaryFileSpec? {
        allFiles.first { $0.parent == parent && $0.fid == fid }
    }

    /// The EF with this stable name (`"holder"`, `"outpatient2"`).
    public static func file(named name: String) -> ElementaryFileSpec? { allFiles.first { $0.name == name } }
}
