import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// E-health-card accounts on two `hcard serve --postgres` processes sharing one database: the
/// rules SQLite's single writer gave — one account per person, no lost update, a bank card bound
/// to one account — hold when both nodes write at the same moment.
///
/// Needs `HCARD_TEST_POSTGRES_URL`, as ``ServePostgresTests``.
@Suite("hcard serve accounts on PostgreSQL, two nodes")
struct ServePostgresAccountsTests {
    typealias Shared = ServePostgresTests

    /// The (phone, address) an account answer shows.
    struct Contact: Hashable, CustomStringConvertible {
        var phone: String?
        var address: String?
        var description: String { "(\(phone ?? "-"), \(address ?? "-"))" }
    }

    static func json(_ data: Data) -> [String: Any] { (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:] }

    static func contact(_ account: [String: Any]) -> Contact {
        Contact(phone: account["phone"] as? String, address: account["address"] as? String)
    }

    /// Whether `updates` (each a phone or address change and the account state its answer
    /// showed) can be put in one order, from `initial`, in which each answer is the state before
    /// it with its own change applied, ending in `final`: that is, whether the concurrent updates
    /// behaved as if run one after the other, none writing over a change it had not read.
    static func serialisable(_ updates: [(isPhone: Bool, shown: Contact)], from initial: Contact, to final: Contact) -> Bool {
        func search(_ state: Contact, _ remaining: Set<Int>) -> Bool {
            if remaining.isEmpty { return state == final }
            for index in remaining {
                let update = updates[index]
                var next = state
                if update.isPhone { next.phone = update.shown.phone } else { next.address = update.shown.address }
                if next == update.shown, search(next, remaining.subtracting([index])) { return true }
            }
            return false
        }
        return search(initial, Set(updates.indices))
    }

    @Test("both nodes register the same 10 people at once, update one account 20 times at once, bind one bank card to two accounts at once", .enabled(if: Shared.enabled))
    func concurrentAccountWrites() async throws {
        let url = try await Shared.freshDatabase()
        let nodes = try Shared.twoNodes(url)
        let ports = nodes.map(\.port)
        defer { Shared.stop(nodes) }
        let key = try await Shared.key(url, "window", "registrar")

        // 1. Each person registered through both nodes at the same moment: one account each.
        let people = 10
        let replies = try await withThrowingTaskGroup(of: (Int, Int, Data).self) { group in
            for person in 0..<people {
                let birth = String(format: "19%02d-%02d-%02d", 70 + person, 1 + person % 12, 1 + person)
                let body = """
                    {"name": "\(Shared.names[person])", "citizenID": "\(Shared.citizenID(birth: birth, sequence: 20 + person))",
                     "phone": "1380013800\(person)", "channel": "app", "physicalCard": "HC-\(person)"}
                    """
                for node in 0..<2 {
                    group.addTask {
                        let (status, data) = try await Shared.request(ports[node], "/v1/accounts", key: key, body: body)
                        return (person, status, data)
                    }
                }
            }
            return try await group.reduce(into: [(Int, Int, Data)]()) { $0.append($1) }
        }
        let registrations = replies.map { ($0.0, $0.1, Self.json($0.2)) }
        #expect(registrations.allSatisfy { $0.1 == 200 }, "\(registrations.filter { $0.1 != 200 })")
        var accounts: [Int: String] = [:]
        for person in 0..<people {
            let answers = registrations.filter { $0.0 == person }.map(\.2)
            let ids = Set(answers.compactMap { ($0["account"] as? [String: Any])?["electronicCardID"] as? String })
            #expect(ids.count == 1, "person \(person) got accounts \(ids)")
            #expect(answers.filter { $0["created"] as? Bool == true }.count == 1, "person \(person): \(answers)")
            accounts[person] = ids.first
        }
        #expect(Set(accounts.values).count == people)

        // 2. One account, 10 phone changes through node 0 and 10 address changes through node 1,
        // all at once: the answers must be a serial history, and the account and its person in
        // the index must agree at the end.
        let id = try #require(accounts[0])
        let updates = try await withThrowingTaskGroup(of: (isPhone: Bool, shown: Contact).self) { group in
            for change in 0..<20 {
                let isPhone = change % 2 == 0
                let body = isPhone ? #"{"phone": "1390013900\#(change / 2)"}"# : #"{"address": "海口市 \#(change / 2) 号"}"#
                group.addTask {
                    let (status, data) = try await Shared.request(
                        ports[isPhone ? 0 : 1], "/v1/accounts/\(id)/update", key: key, body: body)
                    guard status == 200 else {
                        throw CocoaError(.coderInvalidValue, userInfo: [
                            NSLocalizedDescriptionKey: "update: \(status) \(String(decoding: data, as: UTF8.self))"
                        ])
                    }
                    return (isPhone, Self.contact(Self.json(data)))
                }
            }
            return try await group.reduce(into: [(isPhone: Bool, shown: Contact)]()) { $0.append($1) }
        }
        let (status, data) = try await Shared.request(ports[1], "/v1/accounts/\(id)", key: key)
        #expect(status == 200)
        let account = Self.json(data)
        let final = Self.contact(account)
        #expect(
            Self.serialisable(updates, from: Contact(phone: "13800138000", address: nil), to: final),
            "not a serial history: final \(final), answers \(updates.map { "\($0.isPhone ? "phone" : "address") → \($0.shown)" })")
        let person = try #require(account["person"] as? Int)
        let (_, personData) = try await Shared.request(ports[0], "/v1/empi/persons/\(person)", key: key)
        let golden = Self.json(personData)["golden"] as? [String: Any]
        #expect(golden?["phone"] as? String == final.phone, "index \(golden ?? [:]) against account \(final)")

        // 3. One bank card bound to two accounts through the two nodes at once: one wins, the
        // other is refused naming it.
        let bank = #"{"number": "6228480402564890018"}"#
        let binders = [(0, try #require(accounts[1])), (1, try #require(accounts[2]))]
        let binds = try await withThrowingTaskGroup(of: Int.self) { group in
            for (node, account) in binders {
                group.addTask {
                    try await Shared.request(ports[node], "/v1/accounts/\(account)/bank-cards", key: key, body: bank).0
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(binds.sorted() == [200, 409], "\(binds)")
    }
}
