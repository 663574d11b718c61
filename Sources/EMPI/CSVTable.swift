import HealthCardFoundation

/// A small RFC 4180 reader: quoted fields with embedded separators, quotes (`""`) and line breaks,
/// CRLF or LF line ends, a leading byte-order mark. Each row remembers the 1-based line it starts
/// on, so problems can be reported against the file (../shared/specs/empi.md §4).
struct CSVTable: Sendable {
    struct Row: Sendable {
        let line: Int
        let fields: [String]
    }

    let rows: [Row]
    /// Line of an unterminated quoted field, if the input ended inside one.
    let unterminatedQuoteLine: Int?

    init(_ text: String, separator: Character = ",") {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var quoteLine: Int?
        var characters = text.makeIterator()
        var pending: Character? = nil
        var fieldStarted = false
        func next() -> Character? {
            if let character = pending {
                pending = nil
                return character
            }
            return characters.next()
        }
        if let first = next(), first != "\u{FEFF}" { pending = first }
        while let character = next() {
            if inQuotes {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.append("\"")
                        } else {
                            inQuotes = false
                            pending = following
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty:
                inQuotes = true
                fieldStarted = true
                quoteLine = line
            case separator:
                fields.append(field)
                field = ""
                fieldStarted = true
            case "\n", "\r\n", "\r":
                if fieldStarted || !field.isEmpty || !fields.isEmpty {
                    fields.append(field)
                    rows.append(Row(line: rowLine, fields: fields))
                }
                fields = []
                field = ""
                fieldStarted = false
                line += 1
                rowLine = line
            default:
                field.append(character)
                fieldStarted = true
            }
        }
        if inQuotes {
            self.unterminatedQuoteLine = quoteLine
        } else {
            self.unterminatedQuoteLine = nil
        }
        if fieldStarted || !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(Row(line: rowLine, fields: fields))
        }
        self.rows = rows
    }
}
