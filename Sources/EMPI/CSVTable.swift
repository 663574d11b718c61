import HealthCardFoundation

/// A small RFC 4180 reader: quoted fields with embedded separators, quotes (`""`) and line breaks,
/// CRLF or LF line ends, a leading byte-order mark. Each row remembers the 1-based line it starts
/// on, so problems can be reported against the file (../shared/specs/empi.md §4).
struct CSVTable: Sendable {
    struct Row: Sendable {
        let line: Int
        let fields: [String]
    }

    /// A quote that was never closed where it should have been: opened on `line`, it ran through
    /// `ranThrough` (to the next quote character, or to the end of the input). Its row is
    /// dropped and reading resumed at the line after `line`, so one stray quote costs one row,
    /// not every row it would have swallowed.
    struct BrokenQuote: Sendable, Hashable {
        /// The line of the opening quote (and of the dropped row's start).
        let line: Int
        /// The last line the quoted field reached before the row was given up.
        let ranThrough: Int
        /// Whether the input ended inside the quote (else a later quote closed it, giving a row
        /// whose field count differs from the header's).
        let atEndOfInput: Bool
    }

    let rows: [Row]
    /// Every broken quote, in file order.
    let brokenQuotes: [BrokenQuote]
    /// Line of the first quote that was never closed, if any.
    var unterminatedQuoteLine: Int? { brokenQuotes.first?.line }

    /// Parses `text`. The first row (the header) fixes the field count: a row whose quoted field
    /// runs across line breaks and never ends, ends with a character other than a separator or a
    /// line end after its closing quote, or gives another field count is a broken quote, not a
    /// multi-line field (see ``BrokenQuote``).
    init(_ text: String, separator: Character = ",") {
        // Unicode scalars, not Characters: a quote followed by a combining mark is one Character
        // but still a quote to RFC 4180 and to every other CSV reader. "\r\n" is then two scalars.
        let characters = Array(text.unicodeScalars)
        let separator = separator.unicodeScalars.first ?? ","
        func isLineEnd(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\r" }
        /// Past a line end starting at `at` (a lone CR, a lone LF or CR LF).
        func afterLineEnd(_ at: Int) -> Int {
            characters[at] == "\r" && at + 1 < characters.count && characters[at + 1] == "\n" ? at + 2 : at + 1
        }
        var index = characters.first == "\u{FEFF}" ? 1 : 0
        var line = 1
        var rows: [Row] = []
        var broken: [BrokenQuote] = []
        var fieldCount: Int?
        while index < characters.count {
            let rowLine = line
            var fields: [String] = []
            var field = ""
            var fieldStarted = false
            var quoteStart: (index: Int, line: Int)?
            var inQuotes = false
            var closedBadly = false
            var ended = false
            while index < characters.count && !ended {
                let character = characters[index]
                index += 1
                if inQuotes {
                    if character == "\"" {
                        if index < characters.count && characters[index] == "\"" {
                            field.append("\"")
                            index += 1
                        } else {
                            inQuotes = false
                            // RFC 4180: a closing quote is followed by a separator or a line end.
                            if index < characters.count, !isLineEnd(characters[index]), characters[index] != separator {
                                closedBadly = true
                            }
                        }
                    } else {
                        let crBeforeLF = character == "\r" && index < characters.count && characters[index] == "\n"
                        if isLineEnd(character) && !crBeforeLF { line += 1 }
                        field.unicodeScalars.append(character)
                    }
                    continue
                }
                switch character {
                case "\"" where field.isEmpty:
                    inQuotes = true
                    fieldStarted = true
                    quoteStart = (index - 1, line)
                case separator:
                    fields.append(field)
                    field = ""
                    fieldStarted = true
                case "\n", "\r":
                    index = afterLineEnd(index - 1)
                    line += 1
                    ended = true
                default:
                    field.unicodeScalars.append(character)
                    fieldStarted = true
                }
            }
            let rowEndLine = ended ? line - 1 : line
            if fieldStarted || !field.isEmpty || !fields.isEmpty { fields.append(field) }
            let spansLines = rowEndLine > rowLine || inQuotes
            if let quote = quoteStart, spansLines,
                inQuotes || closedBadly || (fieldCount != nil && fields.count != fieldCount)
            {
                // Resume on the line after the one the quote opened on.
                broken.append(BrokenQuote(line: quote.line, ranThrough: rowEndLine, atEndOfInput: inQuotes))
                var resume = quote.index
                while resume < characters.count, !isLineEnd(characters[resume]) { resume += 1 }
                index = resume < characters.count ? afterLineEnd(resume) : resume + 1
                line = quote.line + 1
                continue
            }
            if !fields.isEmpty {
                rows.append(Row(line: rowLine, fields: fields))
                if fieldCount == nil { fieldCount = fields.count }
            }
        }
        self.rows = rows
        self.brokenQuotes = broken
    }
}
