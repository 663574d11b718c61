import HealthCardFoundation

/// A body temperature typed at a checkpoint, as text.
///
/// Why a parser of its own: `Double(_:)` reads `0x24` as 36.0, and `1e1`, `inf` and `nan` as
/// numbers, so `hcard checkpoint scan --temperature 0x24` passed as a normal reading. Only a plain
/// decimal in °C is a reading: 1 to 3 digits, optionally `.` and 1 to 2 digits (`36`, `36.5`,
/// `37.25`). Whether the value is plausible is the decider's question (`CheckpointPolicy`).
public enum BodyTemperature {
    /// The value of `text` in °C.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` quoting the text unless it is a plain decimal.
    public static func parse(_ text: String) throws -> Double {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isDigits = { (part: Substring) in part.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        guard (1...3).contains(parts[0].count), isDigits(parts[0]),
            parts.count == 1 || ((1...2).contains(parts[1].count) && isDigits(parts[1])),
            let value = Double(text)
        else {
            throw HealthCardError.invalidValue("temperature '\(text)': not a plain decimal number of °C (e.g. 36.5)")
        }
        return value
    }
}
