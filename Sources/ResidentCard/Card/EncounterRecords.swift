import HealthCardFoundation

/// An outpatient visit, one of DF03/ED01-ED05 (3267 bytes), health-card.md appendix B.
///
/// The signature and SAM certificate are written by the signing flow after the data, so a
/// record built by a HIS leaves them `nil`; a record read back from a card carries them.
public struct OutpatientRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.outpatient[0]
    public var institutionName: String?
    /// WS 218 organisation code.
    public var institutionCode: String?
    public var visitTime: CalendarDateTime?
    public var outpatientNumber: String?
    public var department: String?
    public var paymentMethod: PaymentMethod?
    /// Up to 5.
    public var symptoms: [Symptom]
    /// Up to 10.
    public var examinations: [Examination]
    /// Up to 5.
    public var drugs: [Drug]
    /// Up to 3.
    public var procedures: [Procedure]
    /// Up to 10.
    public var fees: [Fee]
    /// SM2 signature (r‖s, 64 bytes) over the data area, by the writing terminal's SAM.
    public var signature: BinaryBlob?
    /// The writing SAM's certificate (190 bytes; format not public [U]).
    public var samCertificate: BinaryBlob?

    public struct Symptom: Codable, Hashable, Sendable {
        public var symptomName: String?
        public var symptomCode: String?
        public var diagnosisDate: CalendarDate?
        public var diagnosisName: String?
        /// ICD-10.
        public var diagnosisCode: String?
        public var onsetTime: CalendarDateTime?
        public var durationMinutes: String?

        public init(
            symptomName: String? = nil, symptomCode: String? = nil, diagnosisDate: CalendarDate? = nil,
            diagnosisName: String? = nil, diagnosisCode: String? = nil, onsetTime: CalendarDateTime? = nil,
            durationMinutes: String? = nil
        ) {
            self.symptomName = symptomName
            self.symptomCode = symptomCode
            self.diagnosisDate = diagnosisDate
            self.diagnosisName = diagnosisName
            self.diagnosisCode = diagnosisCode
            self.onsetTime = onsetTime
            self.durationMinutes = durationMinutes
        }
    }

    public struct Examination: Codable, Hashable, Sendable {
        public var name: String?
        public var result: ExamResult?
        public var quantitative: String?
        public var unit: String?
        /// e.g. LOINC.
        public var itemCode: String?

        public init(
            name: String? = nil, result: ExamResult? = nil, quantitative: String? = nil, unit: String? = nil,
            itemCode: String? = nil
        ) {
            self.name = name
            self.result = result
            self.quantitative = quantitative
            self.unit = unit
            self.itemCode = itemCode
        }
    }

    public struct Drug: Codable, Hashable, Sendable {
        public var name: String?
        public var dosageForm: DosageForm?
        public var days: String?
        public var frequency: String?
        public var doseUnit: String?
        public var singleDose: String?
        public var totalDose: String?
        public var route: MedicationRoute?

        public init(
            name: String? = nil, dosageForm: DosageForm? = nil, days: String? = nil, frequency: String? = nil,
            doseUnit: String? = nil, singleDose: String? = nil, totalDose: String? = nil, route: MedicationRoute? = nil
        ) {
            self.name = name
            self.dosageForm = dosageForm
            self.days = days
            self.frequency = frequency
            self.doseUnit = doseUnit
            self.singleDose = singleDose
            self.totalDose = totalDose
            self.route = route
        }
    }

    public struct Procedure: Codable, Hashable, Sendable {
        public var name: String?
        /// ICD-9-CM.
        public var code: String?
        public var date: CalendarDate?

        public init(name: String? = nil, code: String? = nil, date: CalendarDate? = nil) {
            self.name = name
            self.code = code
            self.date = date
        }
    }

    public struct Fee: Codable, Hashable, Sendable {
        public var category: String?
        public var categoryCode: OutpatientFeeCategory?
        public var amount: Money?

        public init(category: String? = nil, categoryCode: OutpatientFeeCategory? = nil, amount: Money? = nil) {
            self.category = category
            self.categoryCode = categoryCode
            self.amount = amount
        }
    }

    public init(
        institutionName: String? = nil, institutionCode: String? = nil, visitTime: CalendarDateTime? = nil,
        outpatientNumber: String? = nil, department: String? = nil, paymentMethod: PaymentMethod? = nil,
        symptoms: [Symptom] = [], examinations: [Examination] = [], drugs: [Drug] = [],
        procedures: [Procedure] = [], fees: [Fee] = []
    ) {
        self.institutionName = institutionName
        self.institutionCode = institutionCode
        self.visitTime = visitTime
        self.outpatientNumber = outpatientNumber
        self.department = department
        self.paymentMethod = paymentMethod
        self.symptoms = symptoms
        self.examinations = examinations
        self.drugs = drugs
        self.procedures = procedures
        self.fees = fees
    }
}

/// An inpatient stay, one of DF03/EE01-EE03 (1893 bytes), health-card.md appendix A.
public struct InpatientRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.inpatient[0]
    public var institutionName: String?
    public var institutionCode: String?
    public var admissionDate: CalendarDate?
    public var admissionCount: String?
    public var medicalRecordNumber: String?
    public var admittingDepartment: String?
    public var admissionCondition: String?
    public var hospitalInfection: String?
    /// ICD-10 external cause of injury or poisoning.
    public var externalCause: String?
    /// Up to 3 serology + diagnosis + procedure + anaesthesia groups.
    public var diagnoses: [Diagnosis]
    /// Up to 4.
    public var transfusions: [Transfusion]
    public var resuscitations: String?
    public var successfulResuscitations: String?
    public var dischargeDate: CalendarDate?
    public var dischargeDepartment: String?
    public var lengthOfStay: String?
    public var autopsy: Bool?
    public var followUp: Bool?
    public var paymentMethod: PaymentMethod?
    /// Up to 20.
    public var costs: [Cost]
    public var totalCost: Money?
    public var bedFee: Money?
    public var nursingFee: Money?
    public var westernDrugFee: Money?
    public var tcmDrugFee: Money?
    public var labFee: Money?
    public var treatmentFee: Money?
    public var surgeryFee: Money?
    public var examinationFee: Money?
    public var otherFee: Money?
    public var signature: BinaryBlob?
    public var samCertificate: BinaryBlob?

    public struct Diagnosis: Codable, Hashable, Sendable {
        public var serologyTest: SerologyTest?
        public var serologyResult: SerologyResult?
        public var diagnosisName: String?
        public var diagnosisCode: String?
        public var confirmedDate: CalendarDate?
        public var concordanceText: String?
        public var concordanceCode: String?
        public var diagnosisTypeText: String?
        public var diagnosisTypeCode: String?
        public var outcome: TreatmentOutcome?
        public var procedureName: String?
        public var procedureCode: String?
        public var procedureDate: CalendarDate?
        public var anaesthesiaMethod: String?
        public var anaesthesiaCode: AnaesthesiaMethod?
        public var woundHealingGrade: WoundHealingGrade?

        public init(diagnosisName: String? = nil, diagnosisCode: String? = nil, confirmedDate: CalendarDate? = nil) {
            self.diagnosisName = diagnosisName
            self.diagnosisCode = diagnosisCode
            self.confirmedDate = confirmedDate
        }
    }

    public struct Transfusion: Codable, Hashable, Sendable {
        public var product: TransfusionProduct?
        public var amount: String?
        public var unit: String?

        public init(product: TransfusionProduct? = nil, amount: String? = nil, unit: String? = nil) {
            self.product = product
            self.amount = amount
            self.unit = unit
        }
    }

    public struct Cost: Codable, Hashable, Sendable {
        public var category: String?
        public var categoryCode: String?
        public var amount: Money?

        public init(category: String? = nil, categoryCode: String? = nil, amount: Money? = nil) {
            self.category = category
            self.categoryCode = categoryCode
            self.amount = amount
        }
    }

    public init(
        institutionName: String? = nil, institutionCode: String? = nil, admissionDate: CalendarDate? = nil,
        medicalRecordNumber: String? = nil, diagnoses: [Diagnosis] = [], transfusions: [Transfusion] = [],
        costs: [Cost] = []
    ) {
        self.institutionName = institutionName
        self.institutionCode = institutionCode
        self.admissionDate = admissionDate
        self.medicalRecordNumber = medicalRecordNumber
        self.diagnoses = diagnoses
        self.transfusions = transfusions
        self.costs = costs
    }
}
