/// One cell of every CSV file the library writes (pass-log exports, EMPI pairs and clusters,
/// synthetic populations, QR batch error reports).
///
/// Why one encoder: CSV files from this tool are opened in spreadsheets, and their cells hold text
/// that came from outside (a checkpoint's detail, a record id from a hospital's file, a reason that
/// quotes a bad input line). A cell that starts with `=`, `+`, `-` or `@` (or a tab or CR) is run
/// as a formula by Excel and LibreOffice (CSV injection), so it gets a leading `'`, as OWASP
/// recommends; the cell then reads as text. A cell holding a comma, a quote, CR or LF is quoted
/// with inner quotes doubled (RFC 4180 §2.6-2.7), so it cannot split the row.
public enum CSVCell {
    /// The characters that make a spreadsheet read a cell as a formula.
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// `value` as one CSV cell: neutralised if it would start a formula, then quoted if needed.
    public static func encode(_ value: String) -> String {
        var cell = value
        if let first = cell.unicodeScalars.first, formulaStarts.contains(first) { cell = "'" + cell }
        guard cell.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            return cell
        }
        var quoted = "\""
        for scalar in cell.unicodeScalars {
            if scalar == "\"" { quoted.unicodeScalars.append("\"") }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }

    /// The cells as one CSV row, without the line end.
    public static func row(_ values: [String]) -> String { values.map(encode).joined(separator: ",") }
}
