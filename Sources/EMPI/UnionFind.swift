import HealthCardFoundation

/// Disjoint sets over record indices with "cannot link" constraints, for clustering auto-links
/// without ever merging across a veto (../shared/specs/empi.md §1.5).
struct ConstrainedUnionFind {
    private var parent: [Int32]
    private var size: [Int32]
    /// Per root: records its cluster must never join.
    private var forbidden: [Int: [Int]] = [:]

    init(count: Int) {
        parent = (0..<count).map { Int32($0) }
        size = [Int32](repeating: 1, count: count)
    }

    mutating func find(_ x: Int) -> Int {
        var root = x
        while Int(parent[root]) != root { root = Int(parent[root]) }
        var node = x
        while Int(parent[node]) != root {
            let next = Int(parent[node])
            parent[node] = Int32(root)
            node = next
        }
        return root
    }

    mutating func forbid(_ a: Int, _ b: Int) {
        forbidden[find(a), default: []].append(b)
        forbidden[find(b), default: []].append(a)
    }

    /// Merges the clusters of `a` and `b` unless a constraint forbids it; returns whether they are
    /// now in one cluster.
    @discardableResult
    mutating func union(_ a: Int, _ b: Int) -> Bool {
        var x = find(a)
        var y = find(b)
        if x == y { return true }
        for other in forbidden[x] ?? [] where find(other) == y { return false }
        for other in forbidden[y] ?? [] where find(other) == x { return false }
        if size[x] < size[y] { swap(&x, &y) }
        parent[y] = Int32(x)
        size[x] += size[y]
        if let moved = forbidden.removeValue(forKey: y) { forbidden[x, default: []].append(contentsOf: moved) }
        return true
    }

    /// Clusters as sorted record lists, ordered by their first record.
    mutating func clusters() -> [[Int]] {
        var byRoot = [Int: Int]()
        var result: [[Int]] = []
        for record in 0..<parent.count {
            let root = find(record)
            if let slot = byRoot[root] {
                result[slot].append(record)
            } else {
                byRoot[root] = result.count
                result.append([record])
            }
        }
        return result
    }
}
