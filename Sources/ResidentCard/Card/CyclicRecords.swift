import HealthCardFoundation

/// One record of DF02/EF07 过敏基本数据 (cyclic, 3 × 120 bytes, newest first), health-card.md §4.6.
public struct AllergyRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.allergies
    public var allergen: String?
    public var reaction: String?

    public init(allergen: String? = nil, reaction: String? = nil) {
        self.allergen = allergen
        self.reaction = reaction
    }
}

/// One record of DF02/EF08 免疫基本数据 (cyclic, 10 × 24 bytes, newest first), health-card.md §4.6.
public struct ImmunizationRecord: CardRecord {
    public static let file = ResidentCardFileSystem.EF.immunizations
    public var vaccine: String?
    public var date: CalendarDate?

    public init(vaccine: String? = nil, date: CalendarDate? = nil) {
        self.vaccine = vaccine
        self.date = date
    }
}
