import HealthCardFoundation

/// SplitMix64: a small, fast, seedable generator, so the synthetic population, the random pairs of
/// u-estimation and every sample are reproducible from a seed (../shared/specs/empi.md §5.5).
///
/// Why not the standard library's `Int.random(in:using:)`: its mapping from raw bits to a range is
/// an implementation detail that may change between releases; the helpers here are fixed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StableHash.mix(state)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift, bias below 2⁻³²·bound).
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.count)
    }

    /// A uniform double in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// `true` with probability `probability`.
    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(below: items.count)] }
}
