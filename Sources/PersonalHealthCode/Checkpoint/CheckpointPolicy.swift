import Foundation
import HealthCardFoundation

/// What a checkpoint lets through: which code colours, up to which body temperature, and whether
/// a verified code is required or an identity number alone will do.
///
/// The defaults are the strictest reasonable reading of the sources, because a checkpoint that is
/// too lax cannot be corrected after the person has passed, while one that is too strict only
/// sends someone to the staff desk:
///
/// - **Colours: green only.** Green is "no anomaly found" and the only colour every rule set lets
///   through without conditions; yellow and red persons are to be held, isolated or sent home
///   (health-code.md §1.4, §5.1: v2020-02 "green → may pass after showing code + temperature
///   check"; v2022-05 yellow is barred from hotels, malls, stations). A hospital entrance, which may
///   not refuse red or yellow patients (§5.1, v2022-05), configures `allowedColours` to include them
///   and routes them to the fever clinic.
/// - **Temperature limit 37.3 °C, reading required.** A temperature check is part of every pass in
///   §5.1 (v2020-02) and "on-site temperature abnormal" is what turns a code yellow (§1.4). The
///   limit 37.3 °C (a reading **at or above** it is fever) is the threshold of the national
///   epidemic-prevention guidance as commonly applied at checkpoints. [U] The spec digest gives no
///   number, so it is configurable.
/// - **A valid code is required.** An ID number says who someone is, not what colour they are;
///   letting an ID number alone through would bypass every colour rule. Places that accept manual
///   registration instead (§5.1, place codes: "people unable to scan register name, ID number")
///   set ``Identification/idNumberSuffices``.
///
/// Readings outside ``plausibleTemperatures`` (34.0…43.0 °C, the range the health declaration
/// schema accepts) are a faulty or mis-aimed thermometer, and deny rather than pass.
///
/// Codable so that a checkpoint's policy can live in a small JSON file:
/// `{"allowedColours": ["green"], "temperatureLimit": 37.3, "temperatureRequired": true,
/// "identification": "validCode"}`; missing keys take the (strict) defaults, and an unknown key or a
/// value of the wrong type is an error naming the file and the key, so a misspelt
/// `"temperatureLimt": 38.0` is not silently replaced by the default.
///
/// - SeeAlso: `Docs/checkpoint.md`, "Policy".
public struct CheckpointPolicy: Hashable, Sendable {
    /// How a person identifies themselves at the checkpoint.
    public enum Identification: String, Hashable, Sendable, Codable, CaseIterable {
        /// A verified health code or e-health-card code is required (the default).
        case validCode
        /// A valid citizen ID number alone suffices (manual registration); codes are still checked
        /// when shown.
        case idNumberSuffices
    }

    /// The default limit: 37.3 °C.
    public static let defaultTemperatureLimit = 37.3
    /// Readings outside this range (°C) are treated as a measuring fault.
    public static let plausibleTemperatures: ClosedRange<Double> = 34.0...43.0

    /// The code colours that pass. Default: green.
    public var allowedColours: Set<HealthColour>
    /// A body temperature at or above this (°C) is fever and denies. Default 37.3.
    public var temperatureLimit: Double
    /// Whether a passage without a temperature reading is denied. Default true.
    public var temperatureRequired: Bool
    /// Whether a code is required. Default ``Identification/validCode``.
    public var identification: Identification

    public init(
        allowedColours: Set<HealthColour> = [.green], temperatureLimit: Double = Self.defaultTemperatureLimit,
        temperatureRequired: Bool = true, identification: Identification = .validCode
    ) {
        self.allowedColours = allowedColours
        self.temperatureLimit = temperatureLimit
        self.temperatureRequired = temperatureRequired
        self.identification = identification
    }

    /// A policy from its JSON form (see the type's discussion).
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` naming `source` and the key, for an empty
    ///   colour set, a limit outside ``plausibleTemperatures`` or a JSON error.
    public init(json: [UInt8], source: String = "checkpoint policy") throws {
        // The shape first: it names unknown keys (which the decoder ignores), wrong types and
        // text that is not JSON, each with the file.
        try Self.shape.check(json: json, source: source)
        do {
            self = try JSONDecoder().decode(CheckpointPolicy.self, from: Data(json))
        } catch let error as HealthCardError {
            throw error.located(source)
        } catch let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw HealthCardError.invalidValue(
                "\(source): not a checkpoint policy: \(path.isEmpty ? "" : path + ": ")\(context.debugDescription)")
        } catch {
            throw HealthCardError.invalidValue("\(source): not a checkpoint policy")
        }
    }

    /// The keys and types a policy file may hold (`JSONShape`).
    static let shape = JSONShape.object([
        "allowedColours": .array(.string), "temperatureLimit": .number, "temperatureRequired": .bool,
        "identification": .string,
    ])

    /// Checks the values a policy file or the command line can get wrong.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue`.
    public func validated() throws -> Self {
        guard !allowedColours.isEmpty else {
            throw HealthCardError.invalidValue("allowedColours is empty: nobody could ever pass")
        }
        // A colour no code can carry is a typo or a rule from elsewhere: refuse it rather than
        // guess what the site meant.
        let carried = HealthCodeFormat.colourTable.map(\.colour)
        for colour in allowedColours.sorted() where !carried.contains(colour) {
            throw HealthCardError.invalidValue(
                "allowedColours: '\(colour)' is not a colour a health code carries; valid: "
                    + carried.map(\.rawValue).joined(separator: ", "))
        }
        guard Self.plausibleTemperatures.contains(temperatureLimit) else {
            throw HealthCardError.invalidValue(
                "temperatureLimit \(temperatureLimit) °C is outside \(Self.plausibleTemperatures) °C")
        }
        return self
    }
}

extension CheckpointPolicy: Codable {
    private enum CodingKeys: String, CodingKey {
        case allowedColours, temperatureLimit, temperatureRequired, identification
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CheckpointPolicy()
        self.init(
            allowedColours: try container.decodeIfPresent(Set<HealthColour>.self, forKey: .allowedColours)
                ?? defaults.allowedColours,
            temperatureLimit: try container.decodeIfPresent(Double.self, forKey: .temperatureLimit)
                ?? defaults.temperatureLimit,
            temperatureRequired: try container.decodeIfPresent(Bool.self, forKey: .temperatureRequired)
                ?? defaults.temperatureRequired,
            identification: try container.decodeIfPresent(Identification.self, forKey: .identification)
                ?? defaults.identification)
        _ = try validated()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(allowedColours.map(\.rawValue).sorted(), forKey: .allowedColours)
        try container.encode(temperatureLimit, forKey: .temperatureLimit)
        try container.encode(temperatureRequired, forKey: .temperatureRequired)
        try container.encode(identification, forKey: .identification)
    }
}
