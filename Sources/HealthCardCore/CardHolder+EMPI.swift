import EMPI
import HealthCardFoundation
import ResidentCard

// Cross-stack adapters live in the umbrella: it is the one library target that sees both the card
// stack and the EMPI stack, and neither stack may import the other (Docs/architecture.md).

extension PersonRecord {
    /// The holder of a read card as an EMPI source record of `domain`: the card number is the
    /// record's id in that domain (the ID number if the card has none), with the holder's name,
    /// birth date, sex (GB/T 2261.1 code) and ID number as a citizen-ID identifier.
    ///
    /// Why the card number and not the ID number as the id: a person can hold several cards over
    /// the years (lost, replaced), and the hospital's card domain knows each card by its number;
    /// the ID number goes in as an identifier, where the matcher weighs it.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` when the card has neither a card number nor
    ///   an ID number: the record would have no id.
    public init(card contents: CardContents, domain: String) throws {
        let holder = contents.holder
        guard let id = contents.issuer.cardNumber ?? holder?.idNumber else {
            throw HealthCardError.invalidValue("the card has no card number and no ID number: the record would have no id")
        }
        self.init(
            id: id, domain: domain, fullName: holder?.name, birthDate: holder?.birthDate?.description,
            sex: holder?.sex?.code,
            identifiers: holder?.idNumber.map { [PatientIdentifier.citizenID($0)] } ?? [])
    }
}
