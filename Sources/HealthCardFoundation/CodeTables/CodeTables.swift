/// Every national code table the library ships, in one list, so the DocC catalog and `hcard` can list them and
/// tests can check them all at once. A new table file adds itself here.
public enum CodeTables {
    public static let all: [any CodeTable.Type] = [
        // Person (../shared/specs/health-card.md §4.2, §4.5; ../shared/specs/empi.md §3.2)
        SexTable.self,
        EthnicityTable.self,
        MaritalStatusTable.self,
        EducationLevelTable.self,
        IdentityDocumentTypeTable.self,
        FamilyRelationTable.self,
        AddressTypeTable.self,
        // Card and payment (§4.1, §4.4)
        CardTypeTable.self,
        PaymentMethodTable.self,
        // Medical alert (§4.6)
        BloodTypeABOTable.self,
        BloodTypeRhTable.self,
        // Encounter records (Appendix A and B)
        SerologyTestTable.self,
        SerologyResultTable.self,
        TreatmentOutcomeTable.self,
        AnaesthesiaMethodTable.self,
        WoundHealingGradeTable.self,
        TransfusionProductTable.self,
        ExamResultTable.self,
        DosageFormTable.self,
        MedicationRouteTable.self,
        OutpatientFeeCategoryTable.self,
    ]

    /// The table whose type name (`"EthnicityTable"`) or subject (`"ethnicity"`) is `name`, ignoring case.
    public static func table(named name: String) -> (any CodeTable.Type)? {
        let wanted = name.lowercased()
        return all.first { String(describing: $0).lowercased() == wanted || $0.subject.lowercased() == wanted }
    }
}
