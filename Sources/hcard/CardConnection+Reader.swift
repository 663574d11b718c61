import ArgumentParser
import HealthCardCore

extension CardConnection {
    /// PC/SC readers: see `hcard readers`.
    static func openReader(_ options: CardTargetOptions) async throws -> CardConnection {
        throw ValidationError("PC/SC readers are not wired in yet: use --image card.img (see `hcard card new`)")
    }
}
