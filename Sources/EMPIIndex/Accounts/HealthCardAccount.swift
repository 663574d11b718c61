import Foundation
import HealthCardFoundation

/// An electronic resident health card account (电子健康卡账户): the real-name identity it was
/// registered with, the person it belongs to in the master index, and its state.
public struct HealthCardAccount: Sendable, Hashable, Codable {
    public var electronicCardID: ElectronicCardID
    /// The person in the ``PatientIndex`` (the master index ID the card ID is derived from).
    public var person: EnterpriseID
    public var citizenID: String
    public var name: String
    public var phone: String?
    public var address: String?
    /// Where the registration came from (`wechat`, `hospital-window`, `app`, …).
    public var channel: String
    /// `issued` or `cancelled`.
    public var status: CardState
    public var cancellationReason: CancellationReason?
    public var created: Date
    public var updated: Date
    /// Every card of the account: the electronic card, physical cards (current and replaced),
    /// visit cards.
    public var cards: [CardRecordStatus]
    /// Bound bank cards, masked (`622848******1234`).
    public var bankCards: [String]

    package init(
        electronicCardID: ElectronicCardID, person: EnterpriseID, citizenID: String, name: String, phone: String?,
        address: String?, channel: String, status: CardState, cancellationReason: CancellationReason?, created: Date,
        updated: Date, cards: [CardRecordStatus], bankCards: [String]
    ) {
        self.electronicCardID = electronicCardID
        self.person = person
        self.citizenID = citizenID
        self.name = name
        self.phone = phone
        self.address = address
        self.channel = channel
        self.status = status
        self.cancellationReason = cancellationReason
        self.created = created
        self.updated = updated
        self.cards = cards
        self.bankCards = bankCards
    }
}

/// One card number's entry in the card management platform.
public struct CardRecordStatus: Sendable, Hashable, Codable {
    public var number: String
    public var kind: CardKind
    public var electronicCardID: ElectronicCardID?
    public var state: CardState
    /// For a replaced card: the number that replaced it.
    public var replacedBy: String?
    public var updated: Date
    /// The blacklist entry's reason, if the number is blacklisted.
    public var blacklisted: String?

    package init(
        number: String, kind: CardKind, electronicCardID: ElectronicCardID?, state: CardState, replacedBy: String?,
        updated: Date, blacklisted: String?
    ) {
        self.number = number
        self.kind = kind
        self.electronicCardID = electronicCardID
        self.state = state
        self.replacedBy = replacedBy
        self.updated = updated
        self.blacklisted = blacklisted
    }

    /// Whether a terminal must refuse the card: not issued, or blacklisted.
    public var refusesUse: Bool { state.refusesUse || blacklisted != nil }
}

/// The answer to "may this card be used?" when a card is read or a code verified.
public struct CardUseCheck: Sendable, Hashable, Codable, CustomStringConvertible {
    public var number: String
    /// `nil` when the number is unknown to the platform and not blacklisted.
    public var card: CardRecordStatus?
    public var blacklisted: String?

    package init(number: String, card: CardRecordStatus?, blacklisted: String?) {
        self.number = number
        self.card = card
        self.blacklisted = blacklisted
    }

    public var refusesUse: Bool { (card?.refusesUse ?? false) || blacklisted != nil }

    /// `card 110105… is LOST (blacklisted: reported lost)`.
    public var description: String {
        guard refusesUse else { return "card \(number): \(card.map { "\($0.state.rawValue)" } ?? "not registered here")" }
        var text = "card \(number) is \((card?.state ?? .issued).rawValue.uppercased())"
        if let replacedBy = card?.replacedBy { text += ", replaced by \(replacedBy)" }
        if let blacklisted { text += " (blacklisted: \(blacklisted))" }
        return text
    }
}
