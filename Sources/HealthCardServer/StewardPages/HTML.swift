import Foundation
import HTTPTypes
import Hummingbird

/// Server-rendered HTML for the data steward's pages: plain string templates in which every
/// value from the index or the request passes through ``escape(_:)``.
///
/// Why no template engine: the pages are a handful of tables and forms; Swift string
/// interpolation with one escaping function is as safe (nothing is inserted unescaped except the
/// fragments these files build) and adds no dependency to the server target.
enum HTML {
    /// Text safe in element content and in double- or single-quoted attribute values.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// `value`, escaped, or an em dash for a missing or empty one.
    static func text(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "—" }
        return escape(value)
    }

    /// A whole page: the title, a navigation bar when signed in, and `body` (already HTML).
    static func page(title: String, signedInAs name: String? = nil, body: String) -> String {
        let navigation =
            name.map { name in
                """
                <nav><a href="/steward/reviews">Review queue</a> · <a href="/steward/search">Find a person</a>
                <span class="who">signed in as \(escape(name))</span></nav>
                """
            } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · hcard data steward</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
            nav { margin-bottom: 1em; } nav .who { float: right; color: #666; }
            table { border-collapse: collapse; margin: 0.5em 0 1em; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
            th { background: #f3f3f3; } .pair { border: 1px solid #999; padding: 0.8em; margin-bottom: 1.5em; }
            .side { display: inline-block; vertical-align: top; margin-right: 2em; }
            .weight-pos { color: #070; } .weight-neg { color: #a00; } .error { color: #a00; }
            form.inline { display: inline; } button { margin-right: 0.4em; }
            </style></head>
            <body>\(navigation)<h1>\(escape(title))</h1>
            \(body)
            </body></html>
            """
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                // No framing (clickjacking of the buttons), no script at all, no referrer carrying
                // a person ID to another site ("same-origin", not "no-referrer": with the latter
                // browsers send `Origin: null` on the forms, which the CSRF check refuses).
                HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                HTTPField.Name("Referrer-Policy")!: "same-origin",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other to `location` (after a POST, so a reload does not repeat it).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A key/value table of a person's demographics.
    static func fields(_ rows: [(String, String?)]) -> String {
        "<table>" + rows.map { "<tr><th>\(escape($0.0))</th><td>\(text($0.1))</td></tr>" }.joined() + "</table>"
    }
}
