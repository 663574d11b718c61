import HealthCardFoundation

/// Typed views of the card's TLV files. Each is a plain `Codable` struct whose JSON keys are the
/// layout's field keys (``ResidentCardFileSystem``), so one generic, layout-driven codec
/// (``CardRecordCodec``) turns any of them into card bytes and back. A field that was never
/// written on the card (all 00 or FF) is `nil`.

/// DDF1/EF05 发卡机构基本数据, health-card.md §4.1.
public struct IssuerRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.issuer
    public var cardType: CardType?
    public var specVersion: String?
    public var issuerName: String?
    public var issuerCode: String?
    public var issuerCertificate: BinaryBlob?
    public var issueDate: CalendarDate?
    /// The card number: the holder's citizen ID number (or another document number).
    public var cardNumber: String?
    public var securityCode: String?
    public var chipSerial: String?
    /// GB/T 2260 code of the application city, e.g. `"210000"`.
    public var cityCode: String?

    public init(
        cardType: CardType? = nil, specVersion: String? = nil, issuerName: String? = nil, issuerCode: String? = nil,
        issuerCertificate: BinaryBlob? = nil, issueDate: CalendarDate? = nil, cardNumber: String? = nil,
        securityCode: String? = nil, chipSerial: String? = nil, cityCode: String? = nil
    ) {
        self.cardType = cardType
        self.specVersion = specVersion
        self.issuerName = issuerName
        self.issuerCode = issuerCode
        self.issuerCertificate = issuerCertificate
        self.issueDate = issueDate
        self.cardNumber = cardNumber
        self.securityCode = securityCode
        self.chipSerial = chipSerial
        self.cityCode = cityCode
    }
}

/// DDF1/EF06 持卡人基本信息, health-card.md §4.2.
public struct HolderRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.holder
    public var name: String?
    public var sex: Sex?
    public var ethnicity: Ethnicity?
    public var birthDate: CalendarDate?
    public var idNumber: String?

    public init(
        name: String? = nil, sex: Sex? = nil, ethnicity: Ethnicity? = nil, birthDate: CalendarDate? = nil,
        idNumber: String? = nil
    ) {
        self.name = name
        self.sex = sex
        self.ethnicity = ethnicity
        self.birthDate = birthDate
        self.idNumber = idNumber
    }
}

/// DDF1/EF08 持卡人支付信息: expiry, phones, payment methods, health-card.md §4.4.
public struct PaymentRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.payment
    public var expiryDate: CalendarDate?
    public var phone1: String?
    public var phone2: String?
    public var paymentMethod1: PaymentMethod?
    public var paymentMethod2: PaymentMethod?
    public var paymentMethod3: PaymentMethod?

    public init(
        expiryDate: CalendarDate? = nil, phone1: String? = nil, phone2: String? = nil,
        paymentMethod1: PaymentMethod? = nil, paymentMethod2: PaymentMethod? = nil,
        paymentMethod3: PaymentMethod? = nil
    ) {
        self.expiryDate = expiryDate
        self.phone1 = phone1
        self.phone2 = phone2
        self.paymentMethod1 = paymentMethod1
        self.paymentMethod2 = paymentMethod2
        self.paymentMethod3 = paymentMethod3
    }
}

/// DF01/EF05 地址信息, health-card.md §4.5.
public struct AddressRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.addresses
    public var type1: AddressType?
    public var address1: String?
    public var type2: AddressType?
    public var address2: String?

    public init(type1: AddressType? = nil, address1: String? = nil, type2: AddressType? = nil, address2: String? = nil) {
        self.type1 = type1
        self.address1 = address1
        self.type2 = type2
        self.address2 = address2
    }
}

/// DF01/EF06 联系人信息: three contacts, health-card.md §4.5.
public struct ContactsRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.contacts
    public var contacts: [Contact]

    public struct Contact: Codable, Hashable, Sendable {
        public var name: String?
        /// GB/T 4761 family relation; the value domain is uncertain [U] (§4.5).
        public var relation: FamilyRelation?
        public var phone: String?

        public init(name: String? = nil, relation: FamilyRelation? = nil, phone: String? = nil) {
            self.name = name
            self.relation = relation
            self.phone = phone
        }
    }

    public init(contacts: [Contact] = []) { self.contacts = contacts }
}

/// DF01/EF07 职业婚姻信息, health-card.md §4.5.
public struct OccupationRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.occupation
    public var education: EducationLevel?
    public var maritalStatus: MaritalStatus?
    /// GB/T 6565 occupation code, 3 characters.
    public var occupation: String?

    public init(education: EducationLevel? = nil, maritalStatus: MaritalStatus? = nil, occupation: String? = nil) {
        self.education = education
        self.maritalStatus = maritalStatus
        self.occupation = occupation
    }
}

/// DF01/EF08 证件记录信息, health-card.md §4.5.
public struct DocumentsRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.documents
    public var documentType: IdentityDocumentType?
    public var documentNumber: String?
    public var healthRecordNumber: String?
    public var ncmsNumber: String?

    public init(
        documentType: IdentityDocumentType? = nil, documentNumber: String? = nil, healthRecordNumber: String? = nil,
        ncmsNumber: String? = nil
    ) {
        self.documentType = documentType
        self.documentNumber = documentNumber
        self.healthRecordNumber = healthRecordNumber
        self.ncmsNumber = ncmsNumber
    }
}

/// DF02/EF05 临床基本数据: blood types and medical alert flags, health-card.md §4.6.
public struct ClinicalRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.clinical
    public var bloodTypeABO: BloodTypeABO?
    public var bloodTypeRh: BloodTypeRh?
    public var asthma: Bool?
    public var heartDisease: Bool?
    public var cardioCerebrovascular: Bool?
    public var epilepsy: Bool?
    public var coagulationDisorder: Bool?
    public var diabetes: Bool?
    public var glaucoma: Bool?
    public var dialysis: Bool?
    public var organTransplant: Bool?
    public var missingOrgan: Bool?
    public var removableProsthesis: Bool?
    public var pacemaker: Bool?
    public var otherAlert: String?

    public init() {}
}

/// DF02/EF06 特殊信息, health-card.md §4.6.
public struct SpecialRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.special
    public var psychiatric: Bool?

    public init(psychiatric: Bool? = nil) { self.psychiatric = psychiatric }
}
