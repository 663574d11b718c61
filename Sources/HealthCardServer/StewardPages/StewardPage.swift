import EMPI
import EMPIIndex
import Foundation
import HealthCardFoundation
import Hummingbird

/// The HTML of the steward's pages (``HTML`` for escaping and layout). Element ids and classes
/// that a script or a browser test may rely on: `#review-<id>` per review, `form.link`,
/// `form.merge`, `form.separate` with their buttons, `#login`, `#identifiers`, `#records`,
/// `#history`.
enum StewardPage {
    static let reviewsPerPage = 50

    /// One review item as the queue shows it.
    struct Review {
        struct Candidate {
            var person: EnterpriseID
            var probability: Double
            var golden: GoldenRecord?
            /// The candidate's record the explanation compared, when it is still theirs.
            var record: PersonRecord?
            var reference: RecordReference?
        }
        var item: ReviewItem
        /// The person the reviewed record belongs to now.
        var current: EnterpriseID
        var record: PersonRecord
        var candidates: [Candidate]
        var explanation: Explanation?
    }

    static func login(message: String?) -> String {
        HTML.page(
            title: "Sign in",
            body: """
                \(message.map { "<p class=\"error\">\(HTML.escape($0))</p>" } ?? "")
                <form id="login" method="post" action="/steward/login">
                <label>Steward API key <input type="password" name="key" autocomplete="off" size="90" required></label>
                <button type="submit">Sign in</button></form>
                <p>The key is exchanged for a session cookie (8 hours); it is not kept in the browser.</p>
                """)
    }

    static func problem(_ problem: APIProblem) -> String {
        HTML.page(
            title: "Not done",
            body: """
                <p class="error">\(HTML.escape(problem.message)) (\(problem.status) \(HTML.escape(problem.error)))</p>
                <p><a href="/steward/reviews">Back to the review queue</a></p>
                """)
    }

    // MARK: Review queue

    static func reviewQueue(_ reviews: [Review], open: Int, csrf: String, signedInAs name: String) -> String {
        var body = "<p id=\"open-count\">\(open) open review\(open == 1 ? "" : "s")"
        if open > reviews.count { body += " (the oldest \(reviews.count) shown)" }
        body += ".</p>"
        if reviews.isEmpty { body += "<p>Nothing to review.</p>" }
        for review in reviews { body += reviewSection(review, csrf: csrf) }
        body += """
            <form method="post" action="/steward/logout"><input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
            <button type="submit">Sign out</button></form>
            """
        return HTML.page(title: "Review queue", signedInAs: name, body: body)
    }

    static func reviewSection(_ review: Review, csrf: String) -> String {
        let item = review.item
        let action = "/steward/reviews/\(item.id)"
        let hidden = "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(csrf))\">"
        var html = """
            <section class="pair" id="review-\(item.id)">
            <h2>Review \(item.id): record \(HTML.escape(item.record.description)) (\(HTML.escape(item.reason)))</h2>
            <div class="side record"><h3>Record under review, now in \(personLink(review.current))</h3>
            \(recordFields(review.record))</div>
            """
        for candidate in review.candidates {
            let title =
                "Candidate \(personLink(candidate.person)), probability "
                + String(format: "%.3f", candidate.probability)
            html += "<div class=\"side candidate\" data-person=\"\(candidate.person)\"><h3>\(title)</h3>"
            if let record = candidate.record, let reference = candidate.reference {
                html += "<p>Compared record \(HTML.escape(reference.description))</p>" + recordFields(record)
            } else if let golden = candidate.golden {
                html += "<p>Golden record</p>" + goldenFields(golden)
            }
            html += """
                <form class="inline link" method="post" action="\(action)/link">\(hidden)
                <input type="hidden" name="person" value="\(candidate.person)">
                <button type="submit">Link to person \(candidate.person)</button></form>
                """
            if candidate.person != review.current {
                html += """
                    <form class="inline merge" method="post" action="\(action)/merge">\(hidden)
                    <input type="hidden" name="person" value="\(candidate.person)">
                    <button type="submit">Merge person \(review.current) into \(candidate.person)</button></form>
                    """
            }
            html += "</div>"
        }
        if let explanation = review.explanation { html += explanationTable(explanation) }
        html += """
            <p><form class="inline separate" method="post" action="\(action)/separate">\(hidden)
            <button type="submit">Keep apart</button></form> (not the same person as any candidate)</p>
            </section>
            """
        return html
    }

    /// The scorer's explanation (empi.md §1.6): per field both values, the level and its weight.
    static func explanationTable(_ explanation: Explanation) -> String {
        var rows = ""
        for field in explanation.fields {
            let weight = String(format: "%+.2f", field.weight)
            rows += """
                <tr><td>\(HTML.escape(field.field.rawValue))</td><td>\(HTML.text(field.rawA))</td>\
                <td>\(HTML.text(field.rawB))</td><td>\(HTML.escape(field.level))</td>\
                <td class="\(field.weight >= 0 ? "weight-pos" : "weight-neg")">\(weight)</td></tr>
                """
        }
        var notes: [String] = ["probability " + String(format: "%.3f", explanation.probability), explanation.band.rawValue]
        if let rule = explanation.deterministicRule { notes.append(rule) }
        if !explanation.vetoes.isEmpty { notes.append("vetoes: " + explanation.vetoes.map(\.rawValue).joined(separator: ", ")) }
        return """
            <h3>Why they were paired</h3>
            <table class="explanation"><tr><th>field</th><th>\(HTML.escape(explanation.recordA))</th>\
            <th>\(HTML.escape(explanation.recordB))</th><th>level</th><th>weight</th></tr>\(rows)
            <tr><td>prior</td><td colspan="3"></td><td>\(String(format: "%+.2f", explanation.prior.weight))</td></tr>
            <tr><th colspan="4">total: \(HTML.escape(notes.joined(separator: "; ")))</th>\
            <th>\(String(format: "%+.2f", explanation.totalWeight))</th></tr></table>
            """
    }

    static func recordFields(_ record: PersonRecord) -> String {
        HTML.fields([
            ("name", record.fullName ?? [record.familyName, record.givenName].compactMap { $0 }.joined(separator: " ")),
            ("birth date", record.birthDate), ("sex", record.sex),
            ("identifiers", record.identifiers.map { "\($0.domain): \($0.value)" }.joined(separator: "; ")),
            ("phone", record.phone),
            ("address", (record.addressLines + [record.locality, record.postcode, record.regionCode].compactMap { $0 })
                .joined(separator: ", ")),
        ])
    }

    static func goldenFields(_ golden: GoldenRecord) -> String {
        HTML.fields([
            ("name", golden.fullName ?? [golden.familyName, golden.givenName].compactMap { $0 }.joined(separator: " ")),
            ("birth date", golden.birthDate), ("sex", golden.sex),
            ("identifiers", golden.identifiers.map { "\($0.domain): \($0.value)" }.joined(separator: "; ")),
            ("phone", golden.phone),
            ("address", (golden.addressLines + [golden.locality, golden.postcode, golden.regionCode].compactMap { $0 })
                .joined(separator: ", ")),
        ])
    }

    static func personLink(_ person: EnterpriseID) -> String {
        "<a href=\"/steward/persons/\(person)\">person \(person)</a>"
    }

    // MARK: Person

    static func person(
        _ summary: PersonSummary, asked: EnterpriseID, identifiers: [(IdentifierDomain, [String])],
        history: [IndexEvent], signedInAs name: String
    ) -> String {
        var body = ""
        if asked != summary.person {
            body += "<p>Person \(asked) was merged into person \(summary.person).</p>"
        }
        body += "<h2>Golden record</h2>" + goldenFields(summary.golden)
        body += "<h2>Identifiers in every domain</h2><table id=\"identifiers\"><tr><th>domain</th><th>name</th><th>values</th></tr>"
        for (domain, values) in identifiers {
            body += """
                <tr><td>\(HTML.escape(domain.code))</td><td>\(HTML.text(domain.name))</td>\
                <td>\(values.isEmpty ? "—" : values.map(HTML.escape).joined(separator: "<br>"))</td></tr>
                """
        }
        body += "</table><h2>Records</h2><table id=\"records\"><tr><th>record</th><th>link</th><th>probability</th><th>since</th><th>by</th></tr>"
        for link in summary.links {
            body += """
                <tr><td>\(HTML.escape(link.record.description))</td><td>\(link.provenance.rawValue)</td>\
                <td>\(link.probability.map { String(format: "%.3f", $0) } ?? "—")</td>\
                <td>\(HTML.escape(link.time))</td><td>\(HTML.escape(link.actor))</td></tr>
                """
        }
        body += "</table><h2>History</h2><table id=\"history\"><tr><th>#</th><th>time</th><th>event</th><th>record</th><th>details</th><th>by</th></tr>"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for event in history {
            let payload = (try? encoder.encode(event.payload)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            body += """
                <tr><td>\(event.sequence)</td><td>\(HTML.escape(event.time))</td><td>\(event.kind.rawValue)</td>\
                <td>\(HTML.text(event.record?.description))</td><td><code>\(HTML.escape(payload))</code></td>\
                <td>\(HTML.escape(event.actor))</td></tr>
                """
        }
        body += "</table>"
        return HTML.page(title: "Person \(summary.person)", signedInAs: name, body: body)
    }

    // MARK: Search

    static func search(request: Request, page: DemographicsPage?, signedInAs name: String) -> String {
        func value(_ field: String) -> String { HTML.escape(RequestDecoding.string(request, field) ?? "") }
        var body = """
            <form id="search" method="get" action="/steward/search">
            <label>Name <input name="name" value="\(value("name"))"></label>
            <label>Birth date <input name="birthDate" value="\(value("birthDate"))" placeholder="YYYY-MM-DD"></label>
            <label>Sex <input name="sex" value="\(value("sex"))" size="4"></label>
            <label>Identifier <input name="identifier" value="\(value("identifier"))" placeholder="DOMAIN:VALUE"></label>
            <button type="submit">Find</button></form>
            """
        if let page {
            body += "<p>\(page.total) match\(page.total == 1 ? "" : "es").</p><table id=\"results\">"
            body += "<tr><th>person</th><th>name</th><th>birth date</th><th>sex</th><th>records</th><th>score</th></tr>"
            for match in page.matches {
                body += """
                    <tr><td>\(personLink(match.person))</td><td>\(HTML.text(match.golden.fullName))</td>\
                    <td>\(HTML.text(match.golden.birthDate))</td><td>\(HTML.text(match.golden.sex))</td>\
                    <td>\(HTML.escape(match.records.map(\.description).joined(separator: ", ")))</td>\
                    <td>\(match.score.map { String(format: "%.3f", $0) } ?? "—")</td></tr>
                    """
            }
            body += "</table>"
        }
        return HTML.page(title: "Find a person", signedInAs: name, body: body)
    }
}
