import HealthCardFoundation

/// A Chinese address line taken apart (issue 18 item 2; ../shared/specs/empi.md §1.2 "Address"):
/// the GB/T 2260 divisions it names (province, prefecture, county), the road, the house number,
/// the compound (小区, 花园, 大厦, 村 …), and building, unit and room.
///
/// Parts are found by their markers, not by position, so "阳光花园3栋2单元501室，科技园路12号" and
/// "科技园路12号阳光花园3-2-501" give the same parts. A part missing on one side is not compared:
/// a record that omits the province, the city or the flat still agrees with one that has them.
/// Division names are looked up in the shipped GB/T 2260 table (`RegionTable.shipped`), full
/// (广东省, 深圳市, 南山区) or, before another division, short (广东深圳); a name several counties
/// share (朝阳区) is resolved by the divisions already found or by the record's own region code,
/// and otherwise left out.
struct ChineseAddress: Sendable, Hashable {
    /// GB/T 2260 code of the finest division named, and how many of its digits are known (2, 4 or 6).
    var region: Int32 = 0
    var regionDigits: UInt8 = 0
    /// Hashes of the road (科技园路) and of the compound (阳光花园, with a trailing 小区/社区 dropped).
    var road: UInt64 = 0
    var compound: UInt64 = 0
    /// House number, building, unit and room, each `value + 1` (0: absent). Letters (A座) count
    /// from 1,000.
    var number: UInt32 = 0
    var building: UInt32 = 0
    var unit: UInt32 = 0
    var room: UInt32 = 0

    /// Road with number, or a compound: enough to name one building.
    var hasStreetAddress: Bool { (road != 0 && number != 0) || compound != 0 }

    /// No parts: an address that was not given.
    init() {}

    /// Parses `text` (already cleaned: NFC, half-width). `hint` is a 6-digit code the record gives
    /// elsewhere (its region column or its ID's), used only to resolve a county name several
    /// prefectures share.
    init(parsing text: [UInt32], hint: Int32 = 0) {
        guard text.contains(where: EMPIText.isHan) else {
            self.init(parsingLatin: text)
            return
        }
        let tables = EMPITables.shared
        var chars: [UInt32] = []
        chars.reserveCapacity(text.count)
        for scalar in text {
            if scalar >= 0x30 && scalar <= 0x39 || scalar == 0x2D {
                chars.append(scalar)
            } else if scalar >= 0x41 && scalar <= 0x5A || scalar >= 0x61 && scalar <= 0x7A {
                chars.append(scalar & ~0x20)  // upper-case letters: building letters (A座)
            } else if EMPIText.isHan(scalar) {
                chars.append(tables.simplify(scalar))
            } else if scalar == 0x2014 || scalar == 0x2013 || scalar == 0xFF0D || scalar == 0x2212 {
                chars.append(0x2D)  // dashes
            }
            // Spaces and punctuation (，、。#) separate nothing the markers do not.
        }
        var parser = Parser(chars: chars, hint: hint)
        parser.run()
        self = parser.address
    }

    /// A Latin-letter line ("Flat 3, 12 High St"): the first number is the house number, the
    /// words after it the road (St → street, Rd → road, Ave → avenue, Ln → lane), a number after
    /// flat/apt/unit/room the room.
    init(parsingLatin text: [UInt32]) {
        var tokens: [[UInt8]] = []
        var current: [UInt8] = []
        for scalar in text {
            if let byte = EMPIText.foldLatin(scalar) {
                current.append(byte)
            } else if !current.isEmpty {
                tokens.append(current)
                current = []
            }
        }
        if !current.isEmpty { tokens.append(current) }
        let flatWords: Set<[UInt8]> = ["flat", "apt", "apartment", "unit", "room", "no"].map { Array($0.utf8) }.reduce(
            into: []) { $0.insert($1) }
        let abbreviations: [[UInt8]: [UInt8]] = [
            Array("st".utf8): Array("street".utf8), Array("rd".utf8): Array("road".utf8),
            Array("ave".utf8): Array("avenue".utf8), Array("av".utf8): Array("avenue".utf8),
            Array("ln".utf8): Array("lane".utf8),
        ]
        func number(_ token: [UInt8]) -> UInt32? {
            guard !token.isEmpty, token.count <= 6, token.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return token.reduce(0) { $0 * 10 + UInt32($1 - 0x30) } + 1
        }
        var road = StableHash(tag: 11)
        var roadWords = 0
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if flatWords.contains(token), index + 1 < tokens.count, let value = number(tokens[index + 1]) {
                room = value
                index += 2
                continue
            }
            if let value = number(token) {
                if self.number == 0 { self.number = value } else if room == 0 { room = value }
            } else if self.number != 0 {
                road.combine(abbreviations[token] ?? token)
                roadWords += 1
            }
            index += 1
        }
        if roadWords > 0 { self.road = road.value }
    }

    /// Street-level agreement of two parsed lines.
    enum StreetComparison { case agree, conflict, incomparable }

    /// `agree`: the road with its number or the compound agrees, and no part both sides have
    /// (road, number, compound, building, unit, room) differs; `conflict`: some part both have
    /// differs; `incomparable`: nothing to compare.
    static func compareStreet(_ a: ChineseAddress, _ b: ChineseAddress) -> StreetComparison {
        func part(_ x: UInt64, _ y: UInt64) -> Bool? { x == 0 || y == 0 ? nil : x == y }
        func part(_ x: UInt32, _ y: UInt32) -> Bool? { x == 0 || y == 0 ? nil : x == y }
        let parts: [Bool?] = [
            part(a.road, b.road), part(a.number, b.number), part(a.compound, b.compound),
            part(a.building, b.building), part(a.unit, b.unit), part(a.room, b.room),
        ]
        for result in parts where result == false { return .conflict }
        let anchor = (parts[0] == true && parts[1] == true) || parts[2] == true
        return anchor ? .agree : .incomparable
    }

    /// A hash naming the building (road and number, else compound, with building number when
    /// known), for term frequencies: many records at one address weigh little.
    var buildingKey: UInt64 {
        guard hasStreetAddress else { return 0 }
        var hash = StableHash(tag: 10)
        if road != 0 && number != 0 {
            hash.combine(road)
            hash.combine(UInt64(number))
        } else {
            hash.combine(compound)
        }
        return hash.value
    }

    // MARK: Parser

    private struct Parser {
        let chars: [UInt32]
        let hint: Int32
        var index = 0
        var address = ChineseAddress()
        var regionCode: Int32 = 0
        var regionDigits: UInt8 = 0

        init(chars: [UInt32], hint: Int32) {
            self.chars = chars
            self.hint = hint
        }

        mutating func run() {
            while index < chars.count {
                if isDigitOrLetter(chars[index]) {
                    numberPart()
                } else if chars[index] == 0x2D {
                    index += 1
                } else {
                    textPart()
                }
            }
            address.region = regionCode
            address.regionDigits = regionDigits
        }

        func isDigitOrLetter(_ c: UInt32) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) }

        func matches(_ marker: [UInt32], at position: Int) -> Bool {
            guard position + marker.count <= chars.count else { return false }
            for offset in marker.indices where chars[position + offset] != marker[offset] { return false }
            return true
        }

        // A run of digits (or one letter), with dashes (3-2-501), and the marker after it.
        mutating func numberPart() {
            var values: [UInt32] = []
            while index < chars.count {
                let start = index
                var value: UInt32 = 0
                if chars[index] >= 0x41 && chars[index] <= 0x5A {
                    value = 1_000 + chars[index] - 0x41
                    index += 1
                } else {
                    while index < chars.count, chars[index] >= 0x30, chars[index] <= 0x39 {
                        if value < 100_000_000 { value = value * 10 + chars[index] - 0x30 }
                        index += 1
                    }
                }
                guard index > start else { break }
                values.append(value + 1)
                if index + 1 < chars.count, chars[index] == 0x2D, isDigitOrLetter(chars[index + 1]) {
                    index += 1
                } else {
                    break
                }
            }
            guard !values.isEmpty else { return }
            if values.count >= 2 {
                // 3-2-501: building, unit, room; 3-501: building, room (after a number: it is
                // the house number, 12-3: number 12, building 3).
                var rest = values[...]
                if address.number == 0 && address.road != 0 { address.number = rest.removeFirst() }
                if rest.count >= 3 {
                    address.building = rest.removeFirst()
                    address.unit = rest.removeFirst()
                    address.room = rest.removeFirst()
                } else if rest.count == 2 {
                    address.building = rest.removeFirst()
                    address.room = rest.removeFirst()
                } else if let last = rest.first {
                    address.building = last
                }
                skipMarker()
                return
            }
            let value = values[0]
            for (marker, kind) in Self.numberMarkers where matches(marker, at: index) {
                index += marker.count
                switch kind {
                case .number:
                    if address.number == 0 { address.number = value } else if address.room == 0 { address.room = value }
                case .building: address.building = value
                case .unit: address.unit = value
                case .room: address.room = value
                case .floor: break
                }
                return
            }
            // No marker: the house number after a road, else a room after a building, else a number.
            if address.road != 0 && address.number == 0 {
                address.number = value
            } else if address.building != 0 && address.room == 0 {
                address.room = value
            } else if address.number == 0 {
                address.number = value
            } else if address.room == 0 {
                address.room = value
            }
        }

        mutating func skipMarker() {
            for (marker, _) in Self.numberMarkers where matches(marker, at: index) {
                index += marker.count
                return
            }
        }

        // A run of Hanzi up to the next digit: divisions, then a road, township or compound.
        mutating func textPart() {
            var end = index
            while end < chars.count, !isDigitOrLetter(chars[end]), chars[end] != 0x2D { end += 1 }
            var start = index
            index = end
            while start < end {
                if let (length, code) = division(at: start, end: end) {
                    if let code { adopt(code, Self.digits(code)) }  // an unresolved name is skipped
                    start += length
                    continue
                }
                // A township (粤海街道, 西乡镇) is skipped: a road or compound follows it.
                let township = firstMarker(Self.townshipMarkers, from: start, to: end)
                let road = firstMarker(Self.roadMarkers, from: start, to: end)
                if let township, road.map({ township <= $0 }) ?? true {
                    start = township
                    continue
                }
                if let road {
                    if address.road == 0 { address.road = hash(start, road) }
                    start = road
                    continue
                }
                var stop = end
                for suffix in Self.compoundSuffixes where stop - start > suffix.count + 1 {
                    if matches(suffix, at: stop - suffix.count) {
                        stop -= suffix.count
                        break
                    }
                }
                if address.compound == 0 && stop - start >= 2 { address.compound = hash(start, stop) }
                start = end
            }
        }

        /// The end (exclusive) of the first run in `start..<end` closed by one of `markers`, with
        /// at least one character before the marker.
        func firstMarker(_ markers: [[UInt32]], from start: Int, to end: Int) -> Int? {
            var position = start + 1
            while position < end {
                for marker in markers where position + marker.count <= end && matches(marker, at: position) {
                    // 街 of 街道 is a township's, not a road's.
                    if marker == [0x8857], matches([0x8857, 0x9053], at: position) { continue }
                    return position + marker.count
                }
                position += 1
            }
            return nil
        }

        func hash(_ start: Int, _ end: Int) -> UInt64 {
            var hash = StableHash(tag: 11)
            for position in start..<end { hash.combine(UInt64(chars[position])) }
            return hash.value
        }

        /// A division name at `start`: its length and code (`nil` when several divisions share the
        /// name and nothing tells which). Full names anywhere; short names (广东, 深圳) only when
        /// another division follows.
        func division(at start: Int, end: Int) -> (Int, Int32?)? {
            let names = AdminNames.shared
            guard let longest = names.longest(at: start, end: end, in: chars) else { return nil }
            var length = min(end - start, longest)
            while length >= 2 {
                let key = Array(chars[start..<(start + length)])
                if let entry = names.full[key] { return (length, resolve(entry)) }
                if let entry = names.short[key], start + length < end, followedByDivision(start + length, end) {
                    return (length, resolve(entry))
                }
                length -= 1
            }
            return nil
        }

        func followedByDivision(_ start: Int, _ end: Int) -> Bool {
            let names = AdminNames.shared
            guard let longest = names.longest(at: start, end: end, in: chars) else { return false }
            var length = min(end - start, longest)
            while length >= 2 {
                let key = Array(chars[start..<(start + length)])
                if names.full[key] != nil || names.short[key] != nil { return true }
                length -= 1
            }
            return false
        }

        static func digits(_ code: Int32) -> UInt8 { code % 10_000 == 0 ? 2 : (code % 100 == 0 ? 4 : 6) }

        /// One code among those sharing a name: the one under the divisions found so far, else the
        /// one the hint names, else the only one.
        func resolve(_ codes: [Int32]) -> Int32? {
            if regionDigits > 0 {
                let divisor: Int32 = regionDigits == 2 ? 10_000 : (regionDigits == 4 ? 100 : 1)
                let under = codes.filter { $0 / divisor == regionCode / divisor && Self.digits($0) > regionDigits }
                if under.count == 1 { return under[0] }
                if under.count > 1 { return nil }
            }
            if codes.count == 1 { return codes[0] }
            if hint != 0 {
                let hinted = codes.filter { code in
                    // A county under the hint's prefecture, a prefecture under its province.
                    let divisor: Int32 = Self.digits(code) == 6 ? 100 : 10_000
                    return code / divisor == hint / divisor
                }
                if hinted.count == 1 { return hinted[0] }
            }
            return nil
        }

        mutating func adopt(_ code: Int32, _ digits: UInt8) {
            if digits > regionDigits {
                regionCode = code
                regionDigits = digits
            }
        }

        enum NumberKind { case number, building, unit, room, floor }

        static let numberMarkers: [([UInt32], NumberKind)] = [
            ("号楼", NumberKind.building), ("号院", .number), ("单元", .unit), ("栋", .building), ("幢", .building),
            ("座", .building), ("号", .number), ("弄", .number), ("室", .room), ("房", .room), ("户", .room),
            ("层", .floor), ("楼", .floor),
        ].map { (Array($0.0.unicodeScalars.map(\.value)), $0.1) }
        static let roadMarkers: [[UInt32]] = ["大道", "大街", "胡同", "路", "街", "巷", "道"].map {
            Array($0.unicodeScalars.map(\.value))
        }
        static let townshipMarkers: [[UInt32]] = ["街道", "镇", "乡"].map { Array($0.unicodeScalars.map(\.value)) }
        static let compoundSuffixes: [[UInt32]] = ["小区", "社区"].map { Array($0.unicodeScalars.map(\.value)) }
    }
}

/// GB/T 2260 division names → codes, full (广东省, 南山区) and short (广东, 南山), built once from
/// the shipped table (current and retired codes: old addresses keep old names).
struct AdminNames: Sendable {
    let full: [[UInt32]: [Int32]]
    let short: [[UInt32]: [Int32]]
    /// The longest full or short name beginning with each pair of characters (packed
    /// `first << 32 | second`): most positions of an address begin no name, and this tells so
    /// without building a key of each length (issue 18 item 6: the parser was ≈ 7 % of a bulk
    /// ingest's deduplication).
    let longestByPrefix: [UInt64: Int]

    static let shared = AdminNames(regions: RegionTable.shipped.allRegions)

    init(regions: [Region]) {
        var full: [[UInt32]: [Int32]] = [:]
        var short: [[UInt32]: [Int32]] = [:]
        let placeholders: Set<String> = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]
        for region in regions where !placeholders.contains(region.name) {
            guard let code = Int32(region.code) else { continue }
            let name = Array(region.name.unicodeScalars.map(\.value))
            if !(full[name] ?? []).contains(code) { full[name, default: []].append(code) }
            if let stem = Self.shortName(region.name), stem.count >= 2 {
                let key = Array(stem.unicodeScalars.map(\.value))
                if !(short[key] ?? []).contains(code) { short[key, default: []].append(code) }
            }
        }
        self.full = full
        self.short = short
        var longestByPrefix: [UInt64: Int] = [:]
        for key in Array(full.keys) + Array(short.keys) where key.count >= 2 {
            let prefix = Self.prefix(key[0], key[1])
            longestByPrefix[prefix] = max(longestByPrefix[prefix] ?? 0, key.count)
        }
        self.longestByPrefix = longestByPrefix
    }

    static func prefix(_ first: UInt32, _ second: UInt32) -> UInt64 { UInt64(first) << 32 | UInt64(second) }

    /// The length of the longest name that could begin at `chars[start]` (before `end`), `nil`
    /// when no name of two or more characters begins with the two characters there.
    func longest(at start: Int, end: Int, in chars: [UInt32]) -> Int? {
        guard end - start >= 2 else { return nil }
        return longestByPrefix[Self.prefix(chars[start], chars[start + 1])]
    }

    /// 广东省 → 广东, 深圳市 → 深圳, 广西壮族自治区 → 广西, 内蒙古自治区 → 内蒙古; county names
    /// keep their suffix (南山区 short "南山" is too easily a road or a compound).
    static func shortName(_ name: String) -> String? {
        let special = ["内蒙古", "广西", "西藏", "宁夏", "新疆"]
        if let stem = special.first(where: { name.hasPrefix($0) && name.hasSuffix("自治区") }) { return stem }
        for suffix in ["省", "市"] where name.hasSuffix(suffix) && name.count >= 3 {
            return String(name.dropLast())
        }
        return nil
    }
}
