import Foundation
import HealthCardFoundation

/// The account rules that do not depend on where the rows are kept: what a registration accepts,
/// which state each operation needs, and the refusals a client sees. ``AccountService`` (SQLite)
/// and the server's PostgreSQL account store both call these, so both give the same verdicts
/// (Docs/accounts.md; Docs/serve.md §8).
extension AccountService {
    /// The identity a registration stores: a GB 11643 citizen ID (normalised), a name that is not
    /// blank (trimmed), a phone that is a mobile or landline number (``PhoneNumber``), and the
    /// ID's validation (birth date and sex for the index record).
    ///
    /// - Throws: `invalidValue` naming the field.
    package static func checkedIdentity(_ identity: Identity) throws -> (Identity, CitizenIDValidation) {
        let validation = CitizenIDValidator().validate(identity.citizenID)
        guard validation.isValid, let citizenID = validation.normalized else {
            throw HealthCardError.invalidValue(
                "citizen ID \(identity.citizenID): \(validation.firstError ?? "invalid") (real-name registration needs a valid ID)")
        }
        let name = identity.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw HealthCardError.invalidValue("a real-name registration needs a name") }
        var identity = identity
        identity.citizenID = citizenID
        identity.name = name
        identity.phone = try identity.phone.map(PhoneNumber.normalized)
        return (identity, validation)
    }

    /// The identity an account's index records carry now (after updates).
    package static func identity(of account: HealthCardAccount) -> (Identity, CitizenIDValidation) {
        (
            Identity(name: account.name, citizenID: account.citizenID, phone: account.phone, address: account.address),
            CitizenIDValidator().validate(account.citizenID)
        )
    }

    /// Update, bank binding and card replacement need an account that is not cancelled.
    package static func requireIssued(_ account: HealthCardAccount) throws {
        guard account.status == .issued else {
            throw HealthCardError(code: .invalidOperation, reason: "account \(account.electronicCardID) is cancelled")
        }
    }

    /// An account is cancelled once.
    package static func requireCancellable(_ account: HealthCardAccount) throws {
        guard account.status == .issued else {
            throw HealthCardError(code: .invalidOperation, reason: "account \(account.electronicCardID) is already cancelled")
        }
    }

    /// Only an issued physical card is reported lost (an e-card is cancelled with its account).
    package static func requireReportable(_ card: CardRecordStatus) throws {
        guard card.state == .issued else {
            throw HealthCardError(code: .invalidOperation, reason: "card \(card.number) is \(card.state.rawValue), not issued")
        }
        guard card.kind != .electronic else {
            throw HealthCardError(
                code: .invalidOperation, reason: "\(card.number) is an electronic card; cancel the account instead")
        }
    }

    /// A physical card of an account, issued or lost, is replaced; returns its account.
    package static func requireReplaceable(_ card: CardRecordStatus) throws -> ElectronicCardID {
        guard card.kind == .physical, let account = card.electronicCardID else {
            throw HealthCardError(code: .invalidOperation, reason: "\(card.number) is not a physical card of an account")
        }
        guard card.state == .issued || card.state == .lost else {
            throw HealthCardError(code: .invalidOperation, reason: "card \(card.number) is \(card.state.rawValue)")
        }
        return account
    }

    /// A card number is registered once.
    package static func cardTaken(_ number: String, owner: String?) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "card \(number) is registered to account \(owner ?? "(none)")")
    }

    /// A replacement number must be new.
    package static func replacementTaken(_ number: String) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "card \(number) is already registered")
    }

    /// A card number in the index belongs to one person (re-linking it is a steward's decision).
    package static func cardHeldByOther(domain: String, _ number: String, holder: EnterpriseID, person: EnterpriseID)
        -> HealthCardError
    {
        HealthCardError(
            code: .invalidOperation, reason: "\(domain) \(number) belongs to person \(holder) in the master index, not \(person)")
    }

    /// A bank card binds to one account.
    package static func bankCardTaken(_ number: BankCardNumber, other: String) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "bank card \(number.masked) is already bound to account \(other)")
    }

    /// Unbinding a bank card that is not bound.
    package static func bankCardNotBound(_ number: BankCardNumber, _ id: ElectronicCardID) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "\(number.masked) is not bound to \(id)")
    }

    /// Taking a number off the blacklist that is not on it.
    package static func notBlacklisted(_ number: String) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "\(number) is not on the blacklist")
    }

    /// No account with this e-card ID.
    package static func unknownAccount(_ id: ElectronicCardID) -> HealthCardError {
        HealthCardError(code: .unknownRecord, reason: "no account with e-card ID \(id)")
    }

    /// No card with this number.
    package static func unknownCard(_ number: String) -> HealthCardError {
        HealthCardError(code: .unknownRecord, reason: "card \(number) is not registered on this platform")
    }

    /// The index gave no person for a registration record (a feed that could not decide).
    package static func noPerson(_ citizenID: String) -> HealthCardError {
        HealthCardError(code: .invalidOperation, reason: "the master index gave no person for \(citizenID)")
    }

    /// The operation-log detail of a registration.
    package static func registrationDetail(channel: String, person: EnterpriseID, decision: FeedDecision) -> [String: String] {
        ["channel": channel, "person": "\(person.rawValue)", "decision": decision.rawValue]
    }

    /// The operation-log detail of an update: which fields changed, never their values.
    package static func updateDetail(phone: String?, address: String?) -> [String: String] {
        var detail: [String: String] = [:]
        if phone != nil { detail["phone"] = "changed" }
        if address != nil { detail["address"] = "changed" }
        return detail
    }

    /// The payload of an operation's index event (kind `account`): the log detail, the operation,
    /// the card number and the account's status after it.
    package static func eventPayload(
        _ kind: OperationKind, number: String?, detail: [String: String], status: String?
    ) -> [String: JSONValue] {
        var payload = detail.mapValues(JSONValue.string)
        payload["operation"] = .string(kind.rawValue)
        if let number { payload["number"] = .string(number) }
        if let status { payload["status"] = .string(status) }
        return payload
    }
}
