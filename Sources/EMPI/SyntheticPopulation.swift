import Foundation
import HealthCardFoundation

/// A seeded generator of Chinese person records with known duplicates (../shared/specs/empi.md
/// §5.3), for tests, accuracy reports and benchmarks. The same seed and options give the same
/// records, byte for byte.
///
/// Persons live in households (couples, children with the father's surname, shared phones and
/// addresses); surnames follow their real shares (王, 李, 张 ≈ 20 %); citizen IDs are valid and agree
/// with birth date, sex and region (some written in the 15-digit form). Each person has one to four
/// records across source domains, and each record goes through a corruption model (homophones,
/// similar-shape characters, traditional forms, missing characters, swapped name order, passport
/// pinyin, date typos and swaps, lunar dates, ID transpositions and typos, missing fields, family
/// phones, addresses written with or without divisions, reordered, without the flat or as 3-2-501,
/// records without ID and phone). Adversarial sub-suites: twins, unrelated people with the same
/// name and birth date, newborns registered under a placeholder name and the mother's ID, and
/// children whose records carry the mother's ID.
public struct SyntheticPopulation: Sendable {
    public struct Options: Sendable, Hashable {
        public var persons: Int
        /// The generator's "today": birth dates and newborns are relative to it.
        public var today: CalendarDate
        /// Share of households with children that have twins.
        public var twinRate: Double
        /// Share of persons that get an unrelated namesake with the same birth date.
        public var sameNameBirthDateRate: Double
        /// Share of households with children that have a newborn.
        public var newbornRate: Double
        public var corruption: Corruption

        public init(
            persons: Int = 5_000, today: CalendarDate = CalendarDate(year: 2026, month: 1, day: 1)!,
            twinRate: Double = 0.04, sameNameBirthDateRate: Double = 0.002, newbornRate: Double = 0.03,
            corruption: Corruption = Corruption()
        ) {
            self.persons = persons
            self.today = today
            self.twinRate = twinRate
            self.sameNameBirthDateRate = sameNameBirthDateRate
            self.newbornRate = newbornRate
            self.corruption = corruption
        }
    }

    /// Per-record corruption rates.
    public struct Corruption: Sendable, Hashable {
        public var homophone = 0.02
        public var similarShape = 0.01
        public var traditional = 0.03
        public var missingCharacter = 0.01
        public var swappedNameOrder = 0.01
        public var passportPinyin = 0.03
        public var missingName = 0.005
        public var missingBirthDate = 0.03
        public var swappedMonthDay = 0.01
        public var birthDateTypo = 0.015
        public var lunarBirthDate = 0.005
        public var missingID = 0.12
        public var idTransposition = 0.01
        public var idTypo = 0.015
        public var legacyID = 0.05
        public var missingPhone = 0.15
        public var familyPhone = 0.05
        public var changedPhone = 0.03
        public var missingAddress = 0.2
        public var moved = 0.03
        public var missingSex = 0.02
        public var wrongSex = 0.003
        /// Address lines (issue 18 item 4): no divisions at all, the province (or province and
        /// prefecture) left out, parts reordered, the flat dropped, the flat written 3-2-501, and
        /// no region code column value (the line alone names the place).
        public var addressWithoutDivisions = 0.25
        public var addressWithoutProvince = 0.3
        public var addressReordered = 0.08
        public var addressWithoutFlat = 0.15
        public var addressDashes = 0.1
        public var missingRegionCode = 0.3
        /// A child's record (under 16) carrying a guardian's citizen ID instead of its own.
        public var guardianIDOnChild = 0.1
        /// A record without ID and without phone (the two are often missing together).
        public var missingIDAndPhone = 0.08

        public init() {}
    }

    /// Two persons (indices into the population) that form an adversarial case.
    public struct PersonPair: Sendable, Hashable, Codable {
        public let a: Int
        public let b: Int
    }

    public let seed: UInt64
    public let options: Options
    public let records: [PersonRecord]
    /// The true person of each record: the truth of the duplicate groups.
    public let personOfRecord: [Int]
    public let personCount: Int
    /// Twin siblings: never the same person.
    public let twins: [PersonPair]
    /// (child, mother) where a record of the child (a newborn, or a child under 16) carries the
    /// mother's citizen ID.
    public let guardians: [PersonPair]
    /// Unrelated persons with the same name and birth date.
    public let sameNameBirthDate: [PersonPair]

    /// The source domains records are spread over; each issues its own card numbers.
    public static let domains = ["hosp-a", "hosp-b", "hosp-c", "insurance", "community"]

    public init(seed: UInt64, options: Options = Options()) {
        var builder = Builder(seed: seed, options: options)
        builder.generatePersons()
        builder.generateRecords()
        self.seed = seed
        self.options = options
        records = builder.records
        personOfRecord = builder.truth
        personCount = builder.persons.count
        twins = builder.twins
        guardians = builder.guardians
        sameNameBirthDate = builder.namesakes
    }

    /// The true duplicate groups: record indices per person, persons with one record left out.
    public var duplicateGroups: [[Int]] {
        var groups = [[Int]](repeating: [], count: personCount)
        for (record, person) in personOfRecord.enumerated() { groups[person].append(record) }
        return groups.filter { $0.count > 1 }
    }

    /// Number of true-match record pairs.
    public var truePairCount: Int {
        var sizes = [Int](repeating: 0, count: personCount)
        for person in personOfRecord { sizes[person] += 1 }
        return sizes.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    }
}

// MARK: - Builder

extension SyntheticPopulation {
    /// A home address, rendered per record by `Builder.addressLine(_:region:)`.
    struct Address {
        var road: String
        var number: Int
        var compound: String?
        var building: Int?
        var unit: Int?
        var room: Int?
    }

    struct Person {
        var family: [Character]
        var given: [Character]
        var sex: Int
        var birth: CalendarDate
        var region: String
        var homeRegion: String
        var id: String
        var phone: String?
        var householdPhone: String
        var address: Address
        var mother: Int?
        var isNewborn = false
    }

    struct Builder {
        var random: SeededGenerator
        let options: Options
        let tables = EMPITables.shared
        let counties: [String]
        var persons: [Person] = []
        var records: [PersonRecord] = []
        var truth: [Int] = []
        var twins: [PersonPair] = []
        var guardians: [PersonPair] = []
        var namesakes: [PersonPair] = []
        var usedIDs: Set<String> = []
        var usedPhones: Set<String> = []
        var homophones: [String: [Character]] = [:]
        let surnameCumulative: [(Double, [Character])]

        init(seed: UInt64, options: Options) {
            random = SeededGenerator(seed: seed)
            self.options = options
            counties = Builder.loadCounties()
            var cumulative: [(Double, [Character])] = []
            var total = 0.0
            for surname in EMPITables.shared.surnamesByShare where surname.share > 0 {
                total += surname.share
                cumulative.append((total, Array(surname.text)))
            }
            // The long tail: the remaining share spread over other common surname characters.
            for name in Builder.tailSurnames {
                total += 0.1
                cumulative.append((total, [name]))
            }
            surnameCumulative = cumulative.map { ($0.0 / total, $0.1) }
            for character in Builder.maleGiven + Builder.femaleGiven + cumulative.flatMap(\.1) {
                guard let scalar = character.unicodeScalars.first,
                    let reading = EMPITables.shared.readings(of: scalar.value).first
                else { continue }
                let key = EMPITables.shared.syllables[Int(reading)]
                if !(homophones[key] ?? []).contains(character) { homophones[key, default: []].append(character) }
            }
        }

        /// Current county-level codes of the shipped GB/T 2260 table (mainland only).
        static func loadCounties() -> [String] {
            RegionTable.shipped.allRegions.compactMap { region in
                let code = region.code
                guard region.isCurrent, !code.hasSuffix("00"), Int(code.prefix(2))! < 71,
                    !["市辖区", "县"].contains(region.name)
                else { return nil }
                return code
            }
        }

        // MARK: Persons

        mutating func generatePersons() {
            let tables = self.tables
            while persons.count < options.persons {
                let region = random.pick(counties)
                let address = randomAddress()
                let kind = random.unit()
                let fatherBirth = randomDate(years: 1940...1998)
                let father = addPerson(sex: 1, family: surname(), birth: fatherBirth, home: region, address: address)
                if kind < 0.3 { continue }
                let motherBirth = fatherBirth.adding(days: random.int(in: -2500...1500))
                let mother = addPerson(sex: 2, family: surname(), birth: motherBirth, home: region, address: address)
                let phone = persons[random.chance(0.5) ? father : mother].phone ?? randomPhone()
                persons[father].householdPhone = phone
                persons[mother].householdPhone = phone
                if kind < 0.55 { continue }
                var children = kind < 0.8 ? 1 : 2
                var birth = motherBirth.adding(days: random.int(in: 21 * 365...36 * 365))
                let newborn = random.chance(options.newbornRate)
                if newborn { birth = options.today.adding(days: -random.int(in: 5...300)) }
                let twin = random.chance(options.twinRate)
                if twin { children = 2 }
                var previous: Int?
                let family = random.chance(0.9) ? persons[father].family : persons[mother].family
                for number in 0..<children {
                    if number > 0 && !twin { birth = birth.adding(days: random.int(in: 400...3000)) }
                    guard birth < options.today else { break }
                    var sex = random.chance(0.5) ? 1 : 2
                    if twin, let previous, random.chance(0.6) { sex = persons[previous].sex }
                    var given: [Character]?
                    if twin, let previous, random.chance(0.5), persons[previous].given.count == 2 {
                        // 大伟 / 小伟: twins often share one character.
                        let first: [Character] = ["大", "小", "一", "二", "明", "亮"]
                        given = [first[random.int(below: first.count)], persons[previous].given[1]]
                        // Parents do not give twins names that sound alike (小红 / 晓红).
                        let reading = { (c: Character) in tables.readings(of: c.unicodeScalars.first!.value).first }
                        if given == persons[previous].given || reading(given![0]) == reading(persons[previous].given[0])
                        {
                            given = nil
                        }
                    }
                    if twin, let previous, given == nil {
                        // Twins get names that differ in writing and in sound.
                        let sibling = persons[previous].given
                        let sound = { (name: [Character]) in
                            name.map { tables.readings(of: $0.unicodeScalars.first!.value).first }
                        }
                        repeat {
                            given = givenName(sex: sex)
                        } while given! == sibling || sound(given!) == sound(sibling)
                    }
                    let child = addPerson(
                        sex: sex, family: family, birth: birth, home: region, address: address, given: given,
                        twinOf: twin ? previous : nil)
                    persons[child].mother = mother
                    persons[child].householdPhone = phone
                    persons[child].phone =
                        birth.years(until: options.today) >= 16 && random.chance(0.7)
                        ? randomPhone() : nil
                    persons[child].isNewborn = newborn
                    if twin, let previous { twins.append(PersonPair(a: previous, b: child)) }
                    previous = child
                }
            }
            // Unrelated namesakes: same name and birth date, elsewhere.
            let original = persons.count
            for index in 0..<original where random.chance(options.sameNameBirthDateRate) {
                let model = persons[index]
                let other = addPerson(
                    sex: model.sex, family: model.family, birth: model.birth, home: random.pick(counties),
                    address: randomAddress(), given: model.given)
                namesakes.append(PersonPair(a: index, b: other))
            }
        }

        mutating func addPerson(
            sex: Int, family: [Character], birth: CalendarDate, home: String, address: Address,
            given: [Character]? = nil, twinOf: Int? = nil
        ) -> Int {
            let region = random.chance(0.8) ? home : random.pick(counties)
            var id = ""
            repeat {
                var sequence = random.int(below: 500) * 2 + (sex == 1 ? 1 : 0)
                if let twinOf {
                    let previous = Int(persons[twinOf].id.dropFirst(14).prefix(3))!
                    sequence = (previous + (sex == persons[twinOf].sex ? 2 : 1) + random.int(below: 3) * 2) % 1000
                    if (sequence % 2 == 1) != (sex == 1) { sequence = (sequence + 1) % 1000 }
                }
                let body =
                    (twinOf.map { String(persons[$0].id.prefix(6)) } ?? region) + birth.compact
                    + pad(sequence, 3)
                id = body + String(CitizenID.checkCharacter(forBody: body)!)
            } while usedIDs.contains(id)
            usedIDs.insert(id)
            let phone = random.chance(0.85) ? randomPhone() : nil
            persons.append(
                Person(
                    family: family, given: given ?? givenName(sex: sex), sex: sex, birth: birth,
                    region: String(id.prefix(6)), homeRegion: home, id: id, phone: phone,
                    householdPhone: phone ?? randomPhone(), address: address))
            return persons.count - 1
        }

        mutating func surname() -> [Character] {
            let x = random.unit()
            var low = 0
            var high = surnameCumulative.count - 1
            while low < high {
                let mid = (low + high) / 2
                if surnameCumulative[mid].0 < x { low = mid + 1 } else { high = mid }
            }
            return surnameCumulative[low].1
        }

        mutating func givenName(sex: Int) -> [Character] {
            let pool = sex == 1 ? Builder.maleGiven : Builder.femaleGiven
            // A heavy head: the first dozen characters are far more common.
            func pick() -> Character { random.chance(0.4) ? pool[random.int(below: 12)] : random.pick(pool) }
            if random.chance(0.35) { return [pick()] }
            var second = pick()
            let first = pick()
            while second == first { second = random.pick(pool) }
            return [first, second]
        }

        mutating func randomDate(years: ClosedRange<Int>) -> CalendarDate {
            let start = CalendarDate(year: years.lowerBound, month: 1, day: 1)!.daysSinceEpoch
            let end = CalendarDate(year: years.upperBound, month: 12, day: 31)!.daysSinceEpoch
            return CalendarDate(daysSinceEpoch: random.int(in: start...end))
        }

        mutating func randomPhone() -> String {
            var phone = ""
            repeat {
                phone = "1" + String(random.pick(["3", "5", "7", "8", "9"])) + pad(random.int(below: 1_000_000_000), 9)
            } while usedPhones.contains(phone)
            usedPhones.insert(phone)
            return phone
        }

        /// A home: road, number and, for most, a compound with building, unit and room.
        mutating func randomAddress() -> Address {
            var address = Address(
                road: random.pick(Builder.streets) + random.pick(["路", "路", "街", "大道"]),
                number: random.int(in: 1...999))
            if random.chance(0.7) {
                address.compound = random.pick(Builder.compoundNames) + random.pick(["小区", "花园", "家园", "苑", "公寓"])
                address.building = random.int(in: 1...30)
                address.unit = random.chance(0.6) ? random.int(in: 1...6) : nil
                address.room = random.int(in: 1...25) * 100 + random.int(in: 1...4)
            }
            return address
        }

        /// The address as one record writes it (issue 18 item 4): with or without the province, the
        /// prefecture or all divisions, parts reordered, building/unit/room dropped or written 3-2-501.
        mutating func addressLine(_ address: Address, region: String) -> String {
            let table = RegionTable.shipped
            var divisions: [String] = []
            for part in [table.province(of: region), table.prefecture(of: region), table.region(code: region)] {
                guard let part, !["市辖区", "县"].contains(part.name), !divisions.contains(part.name) else { continue }
                divisions.append(part.name)
            }
            let c = options.corruption
            if random.chance(c.addressWithoutDivisions) {
                divisions = []
            } else if random.chance(c.addressWithoutProvince) {
                divisions = Array(divisions.dropFirst(random.chance(0.5) ? 2 : 1))
            }
            let street = address.road + String(address.number) + "号"
            var flat = ""
            if let compound = address.compound, let building = address.building, let room = address.room {
                if random.chance(c.addressDashes) {
                    flat = compound + String(building) + "-" + (address.unit.map { String($0) + "-" } ?? "") + String(room)
                } else if random.chance(c.addressWithoutFlat) {
                    flat = random.chance(0.5) ? compound : ""
                } else {
                    flat = compound + String(building) + "栋" + (address.unit.map { String($0) + "单元" } ?? "")
                        + String(room) + "室"
                }
            }
            if random.chance(c.addressReordered) {
                return [flat, street, divisions.joined()].filter { !$0.isEmpty }.joined(separator: random.pick([" ", "，", ""]))
            }
            return divisions.joined() + street + flat
        }

        // MARK: Records

        mutating func generateRecords() {
            var cardNumbers: [Int: String] = [:]
            for index in persons.indices {
                var count = [1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4][random.int(below: 20)]
                let person = persons[index]
                var placeholderLeft = 0
                if person.isNewborn {
                    count = max(count, 2)
                    placeholderLeft = 1
                }
                // A child registered under a guardian's ID: one decision per child, so several of
                // its records can carry the same guardian's number.
                let guardianID =
                    person.mother != nil && !person.isNewborn && person.birth.years(until: options.today) < 16
                    && random.chance(options.corruption.guardianIDOnChild)
                for _ in 0..<count {
                    let domainNumber = random.int(below: SyntheticPopulation.domains.count)
                    let cardKey = index * 8 + domainNumber
                    if cardNumbers[cardKey] == nil {
                        cardNumbers[cardKey] = String(UnicodeScalar(UInt8(65 + domainNumber))) + pad(records.count, 9)
                    }
                    var record = makeRecord(person, domain: domainNumber, card: cardNumbers[cardKey]!)
                    if placeholderLeft > 0 {
                        placeholderLeft -= 1
                        makePlaceholder(&record, person: person, child: index)
                    } else if guardianID, let mother = person.mother, random.chance(0.7) {
                        record.identifiers.removeAll { $0.kind == .citizenID }
                        record.identifiers.append(.citizenID(persons[mother].id))
                        if !guardians.contains(PersonPair(a: index, b: mother)) {
                            guardians.append(PersonPair(a: index, b: mother))
                        }
                    }
                    records.append(record)
                    truth.append(index)
                }
            }
        }

        mutating func makePlaceholder(_ record: inout PersonRecord, person: Person, child: Int) {
            guard let motherIndex = person.mother else { return }
            let mother = persons[motherIndex]
            let suffix = person.sex == 1 ? "之子" : "之女"
            record.fullName =
                random.chance(0.7)
                ? String(mother.family + mother.given) + suffix
                : random.pick(["婴儿", "新生儿", person.sex == 1 ? "男婴" : "女婴"])
            record.familyName = nil
            record.givenName = nil
            record.identifiers.removeAll { $0.kind == .citizenID }
            if random.chance(0.6) {
                record.identifiers.append(.citizenID(mother.id))
                if !guardians.contains(PersonPair(a: child, b: motherIndex)) {
                    guardians.append(PersonPair(a: child, b: motherIndex))
                }
            }
            record.phone = mother.phone ?? person.householdPhone
        }

        mutating func makeRecord(_ person: Person, domain: Int, card: String) -> PersonRecord {
            let c = options.corruption
            let domainName = SyntheticPopulation.domains[domain]
            var record = PersonRecord(id: "R" + pad(records.count + 1, 7), domain: domainName)
            record.identifiers.append(PatientIdentifier(domain: domainName + "-card", value: card))

            // Name.
            var family = person.family
            var given = person.given
            if random.chance(c.homophone) { substitute(&given, homophone: true) }
            if random.chance(c.similarShape) { substitute(&given, homophone: false) }
            if random.chance(c.missingCharacter) && given.count >= 2 {
                given.remove(at: random.int(below: given.count))
            }
            if random.chance(c.traditional) {
                family = traditional(family)
                given = traditional(given)
            }
            if random.chance(c.missingName) {
            } else if random.chance(c.passportPinyin) {
                record.fullName = passport(family: family, given: given)
            } else if random.chance(c.swappedNameOrder) {
                record.familyName = String(given)
                record.givenName = String(family)
            } else if random.chance(0.2) {
                record.familyName = String(family)
                record.givenName = String(given)
            } else {
                record.fullName = String(family + given)
            }

            // Birth date.
            var birth = person.birth
            if random.chance(c.lunarBirthDate) { birth = birth.adding(days: -random.int(in: 20...50)) }
            var digits = Array(birth.compact)
            if random.chance(c.swappedMonthDay) && birth.day <= 12 && birth.day != birth.month {
                digits = Array(pad(birth.year, 4) + pad(birth.day, 2) + pad(birth.month, 2))
            }
            if random.chance(c.birthDateTypo) {
                let position = 4 + random.int(below: 4)
                digits[position] = Character(String(random.int(below: 10)))
            }
            if !random.chance(c.missingBirthDate) {
                let compact = String(digits)
                if let date = CalendarDate(yyyymmdd: compact) {
                    switch random.int(below: 3) {
                    case 0: record.birthDate = compact
                    case 1: record.birthDate = date.description
                    default: record.birthDate = "\(date.year)/\(date.month)/\(date.day)"
                    }
                } else {
                    record.birthDate = compact
                }
            }

            // Sex.
            if !random.chance(c.missingSex) {
                let sex = random.chance(c.wrongSex) ? 3 - person.sex : person.sex
                record.sex = random.chance(0.8) ? String(sex) : (sex == 1 ? "男" : "女")
            }

            // Citizen ID.
            if !random.chance(c.missingID) {
                var id = Array(person.id)
                if random.chance(c.legacyID) && person.birth.year < 2000 && person.birth.year >= 1900 {
                    id = Array(String(id[0..<6]) + String(id[8..<17]))
                } else if random.chance(c.idTransposition) {
                    let position = random.int(below: 16)
                    id.swapAt(position, position + 1)
                } else if random.chance(c.idTypo) {
                    let position = random.int(below: 17)
                    id[position] = Character(String((Int(String(id[position]))! + 1 + random.int(below: 9)) % 10))
                }
                var text = String(id)
                if text.hasSuffix("X") && random.chance(0.3) { text = String(text.dropLast()) + "x" }
                record.identifiers.append(.citizenID(text))
            }

            // Phone.
            if !random.chance(c.missingPhone) {
                var phone = person.phone ?? person.householdPhone
                if random.chance(c.familyPhone) { phone = person.householdPhone }
                if random.chance(c.changedPhone) { phone = randomPhone() }
                switch random.int(below: 10) {
                case 0: record.phone = "+86 " + phone
                case 1:
                    record.phone =
                        String(phone.prefix(3)) + "-" + String(phone.dropFirst(3).prefix(4)) + "-"
                        + String(phone.suffix(4))
                default: record.phone = phone
                }
            }

            if random.chance(c.missingIDAndPhone) {
                record.identifiers.removeAll { $0.kind == .citizenID }
                record.phone = nil
            }

            // Address.
            if !random.chance(c.missingAddress) {
                var (address, region) = (person.address, person.homeRegion)
                if random.chance(c.moved) { (address, region) = (randomAddress(), random.pick(counties)) }
                record.addressLines = [addressLine(address, region: region)]
                if !random.chance(c.missingRegionCode) { record.regionCode = region }
            }
            return record
        }

        mutating func substitute(_ given: inout [Character], homophone: Bool) {
            guard !given.isEmpty else { return }
            let position = random.int(below: given.count)
            let character = given[position]
            if homophone {
                guard let scalar = character.unicodeScalars.first,
                    let reading = tables.readings(of: scalar.value).first,
                    let options = homophones[tables.syllables[Int(reading)]]?.filter({ $0 != character }),
                    !options.isEmpty
                else { return }
                given[position] = random.pick(options)
            } else if let pair = Builder.similarShapes.first(where: { $0.contains(character) }) {
                given[position] = pair.first { $0 != character }!
            }
        }

        func traditional(_ characters: [Character]) -> [Character] {
            characters.map { character in
                guard let scalar = character.unicodeScalars.first, let form = tables.traditionalForm[scalar.value],
                    let traditional = Unicode.Scalar(form)
                else { return character }
                return Character(traditional)
            }
        }

        mutating func passport(family: [Character], given: [Character]) -> String {
            func syllables(_ characters: [Character], surname: Bool) -> String {
                let simplified = characters.map { tables.simplify($0.unicodeScalars.first!.value) }
                let ids: [UInt16] =
                    surname
                    ? ChineseName.surnameReadingIDs(simplified).compactMap(\.first)
                    : simplified.compactMap { tables.readings(of: $0).first }
                return ids.map { tables.syllables[Int($0)] }.joined()
            }
            var familyText = syllables(family, surname: true)
            if familyText.hasPrefix("lv") || familyText.hasPrefix("nv") {
                familyText = familyText.prefix(1) + random.pick(["yu", "v", "u", "ü"]) + familyText.dropFirst(2)
            }
            let givenText = syllables(given, surname: false).replacingOccurrences(of: "v", with: "ü")
            switch random.int(below: 3) {
            case 0: return familyText.uppercased() + " " + givenText.capitalized
            case 1: return givenText.capitalized + " " + familyText.capitalized
            default: return (familyText + " " + givenText).uppercased()
            }
        }

        static let maleGiven: [Character] = Array(
            "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文海峰成东亮正永庆松博翔晨睿轩泽宏德金兵良")
        static let femaleGiven: [Character] = Array(
            "芳娜敏静丽艳娟霞秀英兰玲桂燕萍红梅琳丹雪婷倩慧颖洁琴云莉欣怡佳雨晓月凤春美婧璐蕾")
        static let tailSurnames: [Character] = Array("邢柳耿岳葛牛洪尚温庞聂杭邬阎左")
        static let similarShapes: [[Character]] = [
            ["己", "已"], ["未", "末"], ["王", "玉"], ["士", "土"], ["日", "曰"], ["人", "入"], ["大", "太"],
            ["刀", "力"], ["贝", "见"], ["伟", "传"], ["娟", "涓"], ["晴", "睛"], ["杨", "扬"], ["明", "朋"],
            ["秀", "季"], ["军", "车"], ["峰", "锋"], ["婷", "亭"], ["玲", "铃"], ["莉", "利"], ["斌", "武"],
        ]
        static let compoundNames = [
            "阳光", "金色", "翠湖", "碧水", "锦绣", "华府", "世纪", "明珠", "幸福", "康乐", "春华", "绿城", "紫荆", "天和",
            "丽景", "书香", "海逸", "枫林", "恒大", "万科",
        ]
        static let streets = [
            "人民", "解放", "中山", "建设", "和平", "新华", "胜利", "光明", "友谊", "长江", "黄河", "朝阳", "文化",
            "幸福", "青年", "东风", "红旗", "迎宾", "滨江", "湖滨",
        ]
    }
}
