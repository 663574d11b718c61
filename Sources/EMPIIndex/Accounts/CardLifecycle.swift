import HealthCardFoundation

/// What kind of card a number belongs to (empi.md §2.1 domain types).
public enum CardKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The electronic resident health card (电子健康卡), its number the ``ElectronicCardID``.
    case electronic
    /// The physical resident health card (居民健康卡), its number the card number in DDF1/EF05.
    case physical
    /// A hospital visit card.
    case visit
}

/// The state of a card in the card management platform (issue 10).
public enum CardState: String, Sendable, Hashable, Codable, CaseIterable {
    case issued
    /// Reported lost: blacklisted until found (``AccountService/removeFromBlacklist(_:reason:actor:now:)``).
    case lost
    /// Replaced by a new card (blacklisted; `replacedBy` names the new number).
    case replaced
    /// Cancelled with the account (emigration or death).
    case cancelled

    /// Whether a terminal must refuse the card.
    public var refusesUse: Bool { self != .issued }
}

/// The only reasons an account may be cancelled (issue 10: "a card is cancelled only for
/// emigration or death").
public enum CancellationReason: String, Sendable, Hashable, Codable, CaseIterable {
    case emigration
    case death
}
