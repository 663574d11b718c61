import Foundation
import HealthCardFoundation
import HealthQR
import PersonalHealthCode

/// Scan to prefill (issue 20 §3): a health code (`HCC1-`), an e-health-card code (`HCK1-`) or an
/// ID number becomes a ``ScannedIdentity``; a code that does not verify is refused with the
/// verifier's reason and fills nothing in.
///
/// What each credential fills:
/// - an **ID number** (GB 11643, or `TT:NUMBER`): the number, and from a citizen ID the birth date,
///   sex and age; name, phone and address when the platform's event store knows the person;
/// - a **health code**: its colour and holder; the person when an ID was presented with it (the
///   verifier checks that the code is theirs) or when the event store recorded issuing the code
///   (`HealthEventStore/Transaction/issuedCode(_:)`), and then everything an ID number fills;
///   a code alone carries only a hash of its holder's ID, so without either the desk types the ID;
/// - an **e-health-card code**: the card id only. The code carries no ID number
///   (health-code.md §4.3); the person behind a card is in the EMPI accounts, which this target
///   does not read [U: a card-to-person directory is future work], so the form's ID field is typed.
///
/// Refused, never prefilled: every verdict other than valid (malformed, unknown key, bad
/// signature, revoked, expired, replayed, another person's code, …), an invalid ID number, a
/// scanned text that is neither kind of signed code (a plain `cardId:type` payload can only be
/// verified online, health-code.md §4.4), and a scan that yielded nothing.
public struct ScanPrefiller: Sendable {
    public var healthCodes: HealthCodeVerifier
    public var eHealthCards: CodeVerifier
    /// The platform's event store: who each issued code belongs to and their basic information.
    public var events: HealthEventStore?

    public init(healthCodes: HealthCodeVerifier, eHealthCards: CodeVerifier, events: HealthEventStore? = nil) {
        self.healthCodes = healthCodes
        self.eHealthCards = eHealthCards
        self.events = events
    }

    /// A prefiller whose two verifiers share one trust list and revocation list.
    public init(
        trustList: TrustList, revocations: RevocationList = RevocationList(), events: HealthEventStore? = nil,
        seenNonces: SeenNonceCache? = nil
    ) {
        self.init(
            healthCodes: HealthCodeVerifier(trustList: trustList, revocations: revocations),
            eHealthCards: CodeVerifier(trustList: trustList, revocations: revocations, seenNonces: seenNonces),
            events: events)
    }

    /// The identity `credential` establishes at `now`.
    ///
    /// - Throws: ``ScanRefusal`` with the verifier's reason code and description; storage errors of
    ///   the event store.
    public func identify(_ credential: Credential, now: Date) throws -> ScannedIdentity {
        let today = ChinaTime.dateTime(at: now).date
        switch credential {
        case .idNumber(let text):
            let person: PersonID
            do { person = try PersonID(text) } catch {
                throw ScanRefusal(reasonCode: "invalidIDNumber", reason: Self.reason(error))
            }
            return ScannedIdentity(
                credential: .idNumber, holder: .person(person), person: person, colour: nil, codeID: nil,
                issuer: nil, facts: try facts(of: person, on: today))
        case .healthCode(let text, let presented):
            var shown: PersonID?
            if let presented {
                do { shown = try PersonID(presented) } catch {
                    throw ScanRefusal(reasonCode: "invalidIDNumber", reason: Self.reason(error))
                }
            }
            let verdict = healthCodes.verify(text, now: now, presentedBy: shown)
            guard case .valid(let verified) = verdict else {
                throw ScanRefusal(reasonCode: verdict.reasonCode, reason: "health code refused: \(verdict)")
            }
            var person = shown
            if person == nil, let events {
                person = try events.read { try $0.issuedCode(verified.code.id) }?.person
            }
            return ScannedIdentity(
                credential: .healthCode, holder: person.map(PassHolder.person) ?? .healthCodeSubject(verified.code.subject),
                person: person, colour: verified.colour, codeID: verified.code.id.hex, issuer: verified.issuer,
                facts: try person.map { try facts(of: $0, on: today) } ?? [:])
        case .eHealthCard(let text):
            let verdict = eHealthCards.verify(text, now: now)
            guard case .valid(let decoded) = verdict else {
                throw ScanRefusal(reasonCode: verdict.reasonCode, reason: "e-health-card code refused: \(verdict)")
            }
            return ScannedIdentity(
                credential: .eHealthCard, holder: .eHealthCard(cardID: decoded.code.cardID), person: nil, colour: nil,
                codeID: decoded.code.cardID, issuer: decoded.issuer, facts: [:])
        case .residentCard(let cardNumber, let idNumber, let code):
            // A card read at a reader: its status, then as its holder's ID number (with the code
            // shown with it, which must be the holder's).
            guard !eHealthCards.revocations.isRevoked(cardID: cardNumber) else {
                throw ScanRefusal(reasonCode: DenialReason.residentCardRevoked.code, reason: DenialReason.residentCardRevoked.description)
            }
            let identity = try identify(code.map { .healthCode($0, presentedBy: idNumber) } ?? .idNumber(idNumber), now: now)
            return ScannedIdentity(
                credential: .residentCard, holder: identity.holder, person: identity.person, colour: identity.colour,
                codeID: identity.codeID, issuer: identity.issuer, facts: identity.facts)
        case .unrecognised(let text):
            throw ScanRefusal(
                reasonCode: "unrecognised",
                reason: "'\(TerminalText.escaped(String(text.prefix(40))))' is neither an HCC1 health code nor an HCK1 "
                    + "e-health-card code; a plain platform payload can only be verified online (health-code.md §4.4)")
        case .unreadable(let reason):
            throw ScanRefusal(reasonCode: "unreadable", reason: "nothing was scanned: \(reason)")
        }
    }

    /// The facts an established person fills in: from the ID itself, then the platform's record.
    private func facts(of person: PersonID, on today: CalendarDate) throws -> [ScannedIdentity.Fact: JSONValue] {
        var facts: [ScannedIdentity.Fact: JSONValue] = [.idNumber: .string(person.rawValue)]
        if person.documentType == "01", let id = try? CitizenID(person.rawValue) {
            facts[.birthDate] = .string(id.birthDate.description)
            facts[.sex] = .string(id.sex.code)
            facts[.age] = .number(Double(id.birthDate.years(until: today)))
        }
        if let events, let stored = try events.person(person) {
            for (fact, element) in [(ScannedIdentity.Fact.name, "name"), (.phone, "phone"), (.address, "address")] {
                if case .string(let text)? = stored.basicInfo[element], !text.isEmpty { facts[fact] = .string(text) }
            }
        }
        return facts
    }

    private static func reason(_ error: any Error) -> String {
        (error as? HealthCardError)?.reason ?? "\(error)"
    }
}

/// A scan that was refused: the verifier's reason code (`badSignature`, `expired`,
/// `subjectMismatch`, `invalidIDNumber`, `unrecognised`, …) and its description.
///
/// Equality is by reason code only, as `HealthCardError`'s is by code, so that a test writes
/// `#expect(throws: ScanRefusal(reasonCode: "expired", reason: ""))`.
public struct ScanRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public let reasonCode: String
    public let reason: String
    public init(reasonCode: String, reason: String) {
        self.reasonCode = reasonCode
        self.reason = reason
    }
    public var description: String { "\(reason) (\(reasonCode))" }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.reasonCode == rhs.reasonCode }
    public func hash(into hasher: inout Hasher) { hasher.combine(reasonCode) }
}
