import HealthCardFoundation

/// Everything a terminal could read from one card: the JSON of `hcard read --json`.
///
/// Files that could not be read are `nil`, and ``unavailable`` says why (no SAM, a key refused),
/// so a partial read is still useful and never silently incomplete.
public struct CardContents: Codable, Hashable, Sendable {
    public var atr: String?
    public var issuer: IssuerRecord
    public var holder: HolderRecord?
    /// The JPEG of DDF1/EF07, if one was written.
    public var photo: BinaryBlob?
    public var payment: PaymentRecord?
    public var addresses: AddressRecord?
    public var contacts: ContactsRecord?
    public var occupation: OccupationRecord?
    public var documents: DocumentsRecord?
    public var clinical: ClinicalRecord?
    public var special: SpecialRecord?
    /// Newest first.
    public var allergies: [AllergyRecord]?
    /// Newest first.
    public var immunizations: [ImmunizationRecord]?
    /// The DF03 index files: `true` for a slot marked valid (`00`), `false` for empty (`FF`).
    public var inpatientIndex: [Bool]?
    public var outpatientIndex: [Bool]?
    /// Occupied slots only, by slot number.
    public var inpatient: [Slot<InpatientRecord>]?
    public var outpatient: [Slot<OutpatientRecord>]?
    /// Why a part is missing, e.g. "DDF1/EF06 holder: needs RK_DDF1, and no SAM is connected".
    public var unavailable: [String]

    public struct Slot<Record: CardRecord>: Codable, Hashable, Sendable {
        /// 1-based slot: ED01 = 1.
        public var slot: Int
        public var record: Record
        /// Whether the stored SM2 signature verifies against the stored SAM certificate's key
        /// (`nil` when the certificate is not in a format this library knows).
        public var signatureValid: Bool?
    }

    public init(issuer: IssuerRecord) {
        self.issuer = issuer
        self.unavailable = []
    }
}
