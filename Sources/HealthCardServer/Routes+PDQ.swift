import EMPIIndex
import Foundation
import Hummingbird

/// The PDQ demographic query (empi.md §2.2 `demographicsQuery`, the IHE ITI-78 PDQm role):
/// `GET /v1/empi/persons?name=&birthDate=&sex=&identifier=DOMAIN:VALUE&after=&limit=`, answered
/// by `demographics(_:)` of the EMPI store (SQLite or PostgreSQL, one set of rules:
/// `DemographicsSearch`) and audited as an identity lookup.
extension HealthCardServer {
    var pdqEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/v1/empi/persons", roles: [.registrar, .steward], audit: .lookup) { request, _, _ in
                JSONResponse.make(try await self.empi.demographics(try Self.demographicsQuery(request)))
            }
        ]
    }

    /// The query from the URL: every parameter optional, `identifier` repeatable as `DOMAIN:VALUE`
    /// (a domain code has no `:`, the value may); an empty parameter is no criterion.
    static func demographicsQuery(_ request: Request) throws -> DemographicsQuery {
        let identifiers = try request.uri.queryParameters.getAll("identifier").filter { !$0.isEmpty }.map { text in
            guard let reference = RecordReference(text) else {
                throw APIProblem.badRequest("identifier \"\(text)\" must be DOMAIN:VALUE")
            }
            return DemographicsQuery.Identifier(domain: reference.domain, value: reference.id)
        }
        var after: EnterpriseID?
        if let text = RequestDecoding.string(request, "after") {
            guard let id = Int64(text), id >= 0 else {
                throw APIProblem.badRequest("query parameter \"after\" must be a person ID (a whole number ≥ 0)")
            }
            after = EnterpriseID(id)
        }
        // A form (the steward's search page) sends a space as `+`; a name never holds a `+`.
        let name = RequestDecoding.string(request, "name")?.replacingOccurrences(of: "+", with: " ")
        return DemographicsQuery(
            name: name, birthDate: RequestDecoding.string(request, "birthDate"),
            sex: RequestDecoding.string(request, "sex"), identifiers: identifiers, after: after,
            limit: try RequestDecoding.integer(request, "limit", default: 100, in: 1...DemographicsQuery.maximumLimit))
    }
}
