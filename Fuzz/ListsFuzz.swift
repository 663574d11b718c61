// libFuzzer target for the JSON lists and policies read from files (Scripts/fuzz.sh lists): the
// trust list (`TrustList(json:)`, with its PEM keys parsed by the real OpenSSL), the revocation
// list (`RevocationList(json:)`) and the checkpoint policy (`CheckpointPolicy(json:)`).
//
// Every input is tried as each of the three. None may trap. What parses is written with the
// library's own writer and must parse back to the same value; for the trust list, whose times keep
// whole seconds only when written, the written JSON must be a fixed point.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func listsFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []

    if let list = try? TrustList(json: bytes) {
        guard let json = try? list.json(), let again = try? TrustList(json: json) else {
            preconditionFailure("trust list does not parse back from its own JSON")
        }
        precondition(again.entries.map(\.keyID) == list.entries.map(\.keyID))
        precondition(again.entries.map(\.issuer) == list.entries.map(\.issuer))
        precondition(again.entries.map(\.publicKey) == list.entries.map(\.publicKey))
        precondition((try? again.json()) == json, "trust list JSON is not a fixed point")
    }

    if let list = try? RevocationList(json: bytes) {
        guard let json = try? list.json() else { preconditionFailure("revocation list cannot be written") }
        precondition((try? RevocationList(json: json)) == list, "revocation list does not round-trip")
        for cardID in list.cardIDs { precondition(list.isRevoked(cardID: cardID)) }
    }

    if let policy = try? CheckpointPolicy(json: bytes) {
        precondition(!policy.allowedColours.isEmpty)
        precondition(CheckpointPolicy.plausibleTemperatures.contains(policy.temperatureLimit))
        guard let json = try? JSONEncoder().encode(policy) else { preconditionFailure("policy cannot be written") }
        precondition((try? CheckpointPolicy(json: Array(json))) == policy, "checkpoint policy does not round-trip")
    }
    return 0
}
