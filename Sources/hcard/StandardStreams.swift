import Foundation

/// A scanned or pasted text without its trailing line break, keeping spaces (base45 digits).
func trimmingLineEnd(_ text: String) -> String {
    var text = text
    while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text.removeLast() }
    return text
}

/// One line on standard error, so that standard output stays clean for `--json` and pipes.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
