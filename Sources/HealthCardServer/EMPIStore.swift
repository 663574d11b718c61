import EMPI
import EMPIIndex
import Foundation

/// The storage seam for the EMPI endpoints: what the routes call, implemented by the SQLite
/// ``PatientIndex`` (every operation) and by ``PostgresPatientIndex`` (shared by several nodes).
///
/// The domain rules stay in EMPIIndex either way: matching (`RecordMatcher`), the feed decision
/// (`FeedPlan`), the PIX result rules (`PIXQuery`), record checks, cross-index normalisation and
/// survivorship are the library's; a store only reads and writes rows.
public protocol EMPIStore: Sendable {
    func domains() async throws -> [IdentifierDomain]
    func registerDomain(_ domain: IdentifierDomain) async throws
    func feed(_ record: PersonRecord, actor: String, now: Date?) async throws -> FeedResult
    func crossReference(domain: String, value: String, targetDomains: [String]?) async throws -> CrossReference
    func person(_ id: EnterpriseID) async throws -> PersonSummary
    func events(since: Int64, limit: Int) async throws -> [IndexEvent]
    func reviews(all: Bool) async throws -> [ReviewItem]
    func resolveReview(_ id: Int64, _ resolution: ReviewItem.Resolution, actor: String, now: Date?) async throws -> ReviewItem
    func link(_ record: RecordReference, to person: EnterpriseID, actor: String, now: Date?) async throws -> PatientIndex.StewardshipResult
    func unlink(_ record: RecordReference, actor: String, now: Date?) async throws -> PatientIndex.StewardshipResult
    func merge(_ subsumed: EnterpriseID, into survivor: EnterpriseID, actor: String, now: Date?) async throws
        -> PatientIndex.StewardshipResult
    func unmerge(_ subsumed: EnterpriseID, actor: String, now: Date?) async throws -> PatientIndex.StewardshipResult
    /// A review settled by merging the record's person into the candidate `survivor`, in one transaction.
    func mergeReview(_ id: Int64, into survivor: EnterpriseID, actor: String, now: Date?) async throws -> ReviewItem
    /// The PDQ demographic query (`DemographicsSearch` holds its rules for both stores).
    func demographics(_ query: DemographicsQuery) async throws -> DemographicsPage
    /// The source record as last fed.
    func record(_ reference: RecordReference) async throws -> PersonRecord
    /// The events that concern a person, oldest first.
    func history(of id: EnterpriseID, limit: Int) async throws -> [IndexEvent]
    /// The person a record is linked to.
    func personOf(_ record: RecordReference) async throws -> EnterpriseID
    /// The live person a (possibly retired) ID stands for.
    func resolve(_ person: EnterpriseID) async throws -> EnterpriseID
}

extension PatientIndex: EMPIStore {}
