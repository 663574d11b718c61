import Foundation
import HealthCardFoundation

/// A second seeded population with known truth (issue 18 item 4), unlike ``SyntheticPopulation``
/// in every way that hurt on held-out data: names in Latin letters only (romanised Chinese names
/// and Western names), typos in every field including the identifier, and a skewed number of
/// records per person. The same seed and options give the same records, byte for byte.
///
/// Corruption model (rates per record, in ``Corruption``):
/// - names: OCR confusions (rn↔m, l↔1, O↔0, cl↔d), keyboard slips (a neighbouring key), a
///   dropped or doubled letter, phonetic spellings (ph↔f, ck↔k, y↔i, ou↔ow, c↔k, s↔z), given and
///   family name swapped, the family name in capitals (passport style), a missing given name;
/// - birth date: day and month transposed, one digit wrong, missing;
/// - identifier (a GB 11643 citizen ID for the romanised Chinese, a 9-digit national insurance
///   style number otherwise): one or two digits wrong, adjacent digits transposed, missing; the
///   15-digit form for some born before 2000;
/// - phone and address: missing, a moved address, "Street"/"St" and "Road"/"Rd" spellings, the
///   flat dropped, a typo in the street name; postcode missing;
/// - sex missing or wrong.
///
/// Records per person follow a skewed distribution (most have one or two, a few have up to ten).
/// ``split()`` gives a two-file linkage suite: each person's records dealt into a left and a
/// right file so that a file holds at most one record per person.
public struct RomanisedPopulation: Sendable {
    public struct Corruption: Sendable, Hashable {
        public var nameTypo = 0.12
        public var phonetic = 0.06
        public var swappedNames = 0.04
        public var passportCapitals = 0.2
        public var missingGivenName = 0.01
        public var swappedDayMonth = 0.03
        public var birthDateTypo = 0.04
        public var missingBirthDate = 0.04
        public var idTypo = 0.06
        public var idTwoTypos = 0.02
        public var idTransposition = 0.02
        public var missingID = 0.25
        public var legacyID = 0.05
        public var missingPhone = 0.35
        public var missingAddress = 0.15
        public var moved = 0.05
        public var streetSpelling = 0.3
        public var streetTypo = 0.05
        public var missingPostcode = 0.2
        public var missingSex = 0.05
        public var wrongSex = 0.01

        public init() {}
    }

    public let seed: UInt64
    public let records: [PersonRecord]
    /// The true person of each record.
    public let personOfRecord: [Int]
    /// Unrelated persons with the same name and birth date (traps).
    public let sameNameBirthDate: [SyntheticPopulation.PersonPair]

    public init(seed: UInt64, persons: Int, corruption: Corruption = Corruption()) {
        var builder = Builder(random: SeededGenerator(seed: seed), corruption: corruption)
        builder.generate(persons: persons)
        self.seed = seed
        records = builder.records
        personOfRecord = builder.truth
        sameNameBirthDate = builder.namesakes
    }

    /// The column mapping of ``csv(records:truth:)``.
    public static let mapping = FieldMapping(
        recordDomain: "registry",
        columns: [
            .init(column: "record_id", kind: .recordID),
            .init(column: "given_name", kind: .givenName),
            .init(column: "family_name", kind: .familyName),
            .init(column: "birth_date", kind: .birthDate),
            .init(column: "sex", kind: .sex),
            .init(column: "citizen_id", kind: .identifier, domain: PatientIdentifier.citizenIDDomain, type: .citizenID),
            .init(column: "ni_number", kind: .identifier, domain: "ni-number"),
            .init(column: "phone", kind: .phone),
            .init(column: "address", kind: .addressLine),
            .init(column: "city", kind: .locality),
            .init(column: "postcode", kind: .postcode),
        ])

    /// Records as CSV (header first), readable with ``mapping``; a `person` column carries the truth.
    public static func csv(records: [PersonRecord], truth: [Int]) -> String {
        var lines = [
            "record_id,given_name,family_name,birth_date,sex,citizen_id,ni_number,phone,address,city,postcode,person"
        ]
        for (record, person) in zip(records, truth) {
            let fields: [String?] = [
                record.id, record.givenName, record.familyName, record.birthDate, record.sex, record.citizenID,
                record.identifiers.first { $0.domain == "ni-number" }?.value, record.phone, record.addressLines.first,
                record.locality, record.postcode, String(person),
            ]
            lines.append(CSVCell.row(fields.map { $0 ?? "" }))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func csv() -> String { Self.csv(records: records, truth: personOfRecord) }

    /// Two files for linkage: each person's records dealt in turn to the left and the right file;
    /// a person's third and later records are left out, so each file has at most one per person.
    public func split() -> (left: [Int], right: [Int]) {
        var seen: [Int: Int] = [:]
        var left: [Int] = []
        var right: [Int] = []
        for (index, person) in personOfRecord.enumerated() {
            let count = seen[person, default: 0]
            seen[person] = count + 1
            if count == 0 { left.append(index) } else if count == 1 { right.append(index) }
        }
        return (left, right)
    }

    // MARK: Builder

    struct Person {
        var given: String
        var family: String
        var chinese: Bool
        var sex: Int
        var birth: CalendarDate
        var id: String
        var phone: String?
        var street: String
        var number: Int
        var flat: Int?
        var city: String
        var postcode: String
    }

    struct Builder {
        var random: SeededGenerator
        let corruption: Corruption
        var persons: [Person] = []
        var records: [PersonRecord] = []
        var truth: [Int] = []
        var namesakes: [SyntheticPopulation.PersonPair] = []
        var usedIDs: Set<String> = []

        init(random: SeededGenerator, corruption: Corruption) {
            self.random = random
            self.corruption = corruption
        }

        mutating func generate(persons count: Int) {
            while persons.count < count {
                persons.append(person())
                // A few unrelated namesakes with the same birth date, elsewhere.
                if random.chance(0.003), var twin = persons.last {
                    let original = persons.count - 1
                    let other = person()
                    (twin.id, twin.chinese) = (other.id, other.chinese)
                    twin.phone = other.phone
                    (twin.street, twin.number, twin.flat) = (other.street, other.number, other.flat)
                    (twin.city, twin.postcode) = (other.city, other.postcode)
                    persons.append(twin)
                    namesakes.append(SyntheticPopulation.PersonPair(a: original, b: persons.count - 1))
                }
            }
            for (index, person) in persons.enumerated() {
                // Skewed: half have one record, a few up to ten.
                let draw = random.unit()
                let copies = draw < 0.45 ? 1 : draw < 0.75 ? 2 : draw < 0.9 ? 3 : 4 + random.int(below: 7)
                for _ in 0..<copies {
                    records.append(record(person))
                    truth.append(index)
                }
            }
        }

        mutating func person() -> Person {
            let chinese = random.chance(0.5)
            let sex = random.chance(0.5) ? 1 : 2
            let family = chinese ? pickSkewed(Builder.pinyinFamilies) : pickSkewed(Builder.westernFamilies)
            let given =
                chinese
                ? (random.chance(0.4)
                    ? random.pick(Builder.pinyinSyllables).capitalized
                    : random.pick(Builder.pinyinSyllables).capitalized + random.pick(Builder.pinyinSyllables))
                : pickSkewed(sex == 1 ? Builder.westernMale : Builder.westernFemale)
            let start = CalendarDate(year: 1930, month: 1, day: 1)!.daysSinceEpoch
            let end = CalendarDate(year: 2020, month: 12, day: 31)!.daysSinceEpoch
            let birth = CalendarDate(daysSinceEpoch: random.int(in: start...end))
            var id = ""
            repeat {
                if chinese {
                    let body = random.pick(Builder.counties) + birth.compact
                        + String(random.int(below: 500) * 2 + (sex == 1 ? 1 : 0)).leftPadded(3)
                    id = body + String(CitizenID.checkCharacter(forBody: body)!)
                } else {
                    id = String(100_000_000 + random.int(below: 900_000_000))
                }
            } while usedIDs.contains(id)
            usedIDs.insert(id)
            let city = random.pick(Builder.cities)
            return Person(
                given: given, family: family, chinese: chinese, sex: sex, birth: birth, id: id,
                phone: random.chance(0.8) ? "07" + String(100_000_000 + random.int(below: 900_000_000)) : nil,
                street: random.pick(Builder.streetNames) + random.pick([" Street", " Road", " Avenue", " Lane"]),
                number: random.int(in: 1...300),
                flat: random.chance(0.4) ? random.int(in: 1...40) : nil, city: city.0,
                postcode: city.1 + String(random.int(in: 1...9)) + " " + String(random.int(in: 1...9))
                    + String(UnicodeScalar(UInt8(65 + random.int(below: 26)))) + String(UnicodeScalar(UInt8(65 + random.int(below: 26)))))
        }

        /// Heavy head: the first eight entries take 40 % of draws.
        mutating func pickSkewed(_ items: [String]) -> String {
            random.chance(0.4) ? items[random.int(below: min(8, items.count))] : random.pick(items)
        }

        mutating func record(_ person: Person) -> PersonRecord {
            let c = corruption
            var record = PersonRecord(id: "P" + String(records.count + 1).leftPadded(7), domain: "registry")
            var given = person.given
            var family = person.family
            if random.chance(c.nameTypo) {
                if random.chance(0.5) { given = typo(given) } else { family = typo(family) }
            }
            if random.chance(c.phonetic) {
                if random.chance(0.5) { given = phonetic(given) } else { family = phonetic(family) }
            }
            if random.chance(c.passportCapitals) { family = family.uppercased() }
            if random.chance(c.swappedNames) { swap(&given, &family) }
            record.givenName = random.chance(c.missingGivenName) ? nil : given
            record.familyName = family

            var digits = Array(person.birth.compact)
            if random.chance(c.swappedDayMonth) && person.birth.day <= 12 {
                digits = Array(String(digits[0..<4]) + String(digits[6..<8]) + String(digits[4..<6]))
            }
            if random.chance(c.birthDateTypo) {
                digits[4 + random.int(below: 4)] = Character(String(random.int(below: 10)))
            }
            if !random.chance(c.missingBirthDate) {
                let compact = String(digits)
                if let date = CalendarDate(yyyymmdd: compact) {
                    record.birthDate = random.chance(0.5) ? date.description : compact
                } else {
                    record.birthDate = compact
                }
            }
            if !random.chance(c.missingSex) {
                let sex = random.chance(c.wrongSex) ? 3 - person.sex : person.sex
                record.sex = random.pick(sex == 1 ? ["M", "male", "1"] : ["F", "female", "2"])
            }
            if !random.chance(c.missingID) {
                var id = Array(person.id)
                let body = person.chinese ? 17 : id.count
                if person.chinese && random.chance(c.legacyID) && person.birth.year < 2000 {
                    id = Array(String(id[0..<6]) + String(id[8..<17]))
                } else if random.chance(c.idTransposition) {
                    let position = random.int(below: body - 1)
                    id.swapAt(position, position + 1)
                } else if random.chance(c.idTypo + c.idTwoTypos) {
                    let edits = random.chance(c.idTwoTypos / (c.idTypo + c.idTwoTypos)) ? 2 : 1
                    let first = random.int(below: body)
                    for position in edits == 1 ? [first] : [first, (first + 1 + random.int(below: body - 1)) % body] {
                        id[position] = Character(String((Int(String(id[position]))! + 1 + random.int(below: 9)) % 10))
                    }
                }
                record.identifiers.append(
                    person.chinese ? .citizenID(String(id)) : PatientIdentifier(domain: "ni-number", value: String(id)))
            }
            if let phone = person.phone, !random.chance(c.missingPhone) {
                record.phone = random.chance(0.3) ? "+44 " + phone.dropFirst() : phone
            }
            if !random.chance(c.missingAddress) {
                var (street, number, flat, city, postcode) = (
                    person.street, person.number, person.flat, person.city, person.postcode
                )
                if random.chance(c.moved) {
                    let other = self.person()
                    (street, number, flat, city, postcode) = (
                        other.street, other.number, other.flat, other.city, other.postcode
                    )
                }
                if random.chance(c.streetTypo) { street = typo(street) }
                if random.chance(c.streetSpelling) {
                    street = street.replacingOccurrences(of: " Street", with: " St")
                        .replacingOccurrences(of: " Road", with: " Rd").replacingOccurrences(of: " Avenue", with: " Ave")
                }
                let line = String(number) + " " + street
                record.addressLines = [flat.map { random.chance(0.7) ? "Flat \($0), " + line : line } ?? line]
                record.locality = city
                if !random.chance(c.missingPostcode) { record.postcode = postcode }
            }
            return record
        }

        /// OCR confusion, keyboard neighbour, dropped or doubled letter.
        mutating func typo(_ text: String) -> String {
            var chars = Array(text)
            guard chars.count >= 3 else { return text }
            let position = 1 + random.int(below: chars.count - 1)
            switch random.int(below: 4) {
            case 0:
                let ocr: [Character: Character] = ["m": "n", "n": "m", "l": "1", "o": "0", "e": "c", "i": "l", "u": "v"]
                chars[position] = ocr[chars[position]] ?? "o"
            case 1:
                let row = Array("qwertyuiopasdfghjklzxcvbnm")
                if let at = row.firstIndex(of: chars[position]) {
                    chars[position] = row[at + 1 < row.count ? at + 1 : at - 1]
                }
            case 2: chars.remove(at: position)
            default: chars.insert(chars[position], at: position)
            }
            return String(chars)
        }

        /// A phonetic respelling (ph↔f, ck↔k, y↔i, ou↔ow, c↔k, s↔z), or the text unchanged.
        func phonetic(_ text: String) -> String {
            for (from, to) in [
                ("ph", "f"), ("ck", "k"), ("ie", "y"), ("ou", "ow"), ("ch", "tch"), ("c", "k"), ("s", "z"), ("y", "i"),
                ("x", "sh"), ("q", "ch"), ("zh", "j"),
            ] where text.lowercased().contains(from) {
                return text.replacingOccurrences(of: from, with: to)
            }
            return text
        }

        static let pinyinFamilies = [
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu",
            "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Xu", "Han", "Feng",
            "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Yuan", "Pan", "Yu", "Jiang", "Cai",
        ]
        static let pinyinSyllables = [
            "wei", "fang", "na", "min", "jing", "li", "qiang", "lei", "jun", "yong", "yan", "jie", "juan", "tao",
            "ming", "chao", "xiu", "xia", "ping", "gang", "gui", "hui", "hua", "fei", "xin", "bo", "bin", "yu",
            "hao", "kai", "jian", "jun", "shuai", "xu", "ning", "long", "lin", "yang", "guo", "zhi", "wen", "hai",
            "feng", "cheng", "dong", "liang", "zheng", "qing", "song", "rui", "ze", "hong", "de", "lan", "ling",
        ]
        static let westernFamilies = [
            "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
            "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
            "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
            "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
            "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly",
        ]
        static let westernMale = [
            "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
            "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Steven", "Paul", "Andrew", "Joshua", "Kevin",
            "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary", "Philip",
        ]
        static let westernFemale = [
            "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
            "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
            "Carol", "Amanda", "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Sophie",
        ]
        static let streetNames = [
            "High", "Station", "Church", "Park", "Victoria", "Green", "Manor", "Kings", "Queens", "Mill", "North",
            "South", "West", "East", "Chestnut", "Oak", "Elm", "Maple", "Cedar", "Willow", "Beech", "Ash", "York",
            "London", "Bridge", "School", "Hill", "New", "Albert", "George", "Baker", "Castle",
        ]
        static let cities: [(String, String)] = [
            ("London", "N"), ("Leeds", "LS"), ("Bristol", "BS"), ("Manchester", "M"), ("Birmingham", "B"),
            ("Sheffield", "S"), ("Glasgow", "G"), ("Cardiff", "CF"), ("Oxford", "OX"), ("York", "YO"),
            ("Leicester", "LE"), ("Nottingham", "NG"),
        ]
        static let counties = ["110105", "310104", "440305", "510104", "420111", "330106", "320102", "610113"]
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
