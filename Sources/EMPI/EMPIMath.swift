import HealthCardFoundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few libm functions the EMPI scoring needs, in one place so no other file imports the C library.
enum EMPIMath {
    @inline(__always) static func log2(_ x: Double) -> Double { libmLog2(x) }
    @inline(__always) static func exp2(_ x: Double) -> Double { libmExp2(x) }

    /// Match probability from a total weight: 2^W / (1 + 2^W), computed without overflow.
    static func probability(weight: Double) -> Double {
        weight >= 0 ? 1 / (1 + exp2(-weight)) : exp2(weight) / (1 + exp2(weight))
    }

    /// The weight whose probability is `p`: log2(p / (1 − p)).
    static func weight(probability p: Double) -> Double { log2(p / (1 - p)) }
}

@inline(__always) private func libmLog2(_ x: Double) -> Double { log2(x) }
@inline(__always) private func libmExp2(_ x: Double) -> Double { exp2(x) }
