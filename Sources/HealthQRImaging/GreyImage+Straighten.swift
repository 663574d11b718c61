import Foundation
import HealthQR

extension GreyImage {
    /// The QR symbol in this image straightened, in the few ways worth trying: its three finder
    /// patterns (and, from version 2, the bottom-right alignment pattern) are found, and the symbol
    /// is redrawn square, 4 pixels a module with a 4-module quiet zone, through the projective map
    /// they give. Empty if three finder patterns are not found.
    ///
    /// Why several: the version is estimated from the distances between the finder patterns, which
    /// perspective distorts, so the estimate and its neighbours are tried; and the alignment
    /// pattern is looked for around where a square-on view would put it, so the four nearest
    /// candidates are tried, then the parallelogram the finder patterns span. The images are made
    /// one at a time as the caller asks for them (a lazy sequence): the caller stops at the first
    /// that reads.
    ///
    /// Why at all: zbar reads a code photographed at an angle only while the view is nearly
    /// square-on (a card tilted back until its far edge is 80 % of its near edge is already lost,
    /// `Tests/HealthQRImagingTests/QRPerspectiveTests.swift`). Finding the patterns ourselves, as
    /// ZXing does (ISO/IEC 18004 §12: the 1:1:3:1:1 finder and 1:1:1:1:1 alignment
    /// cross-sections), and undoing the perspective hands zbar a symbol it reads.
    public func straightenedQRViews() -> some Sequence<GreyImage> {
        let binary = binarised()
        let search = FinderSearch(binary)
        let finders = search.patterns()
        guard finders.count >= 3 else { return [ProjectiveMap]().lazy.map { _ in self } }
        // The corner pattern is the one opposite the longest side; then B (top right) and C
        // (bottom left) in clockwise order.
        var (a, b, c) = (finders[0], finders[1], finders[2])
        let ab = a.distance(to: b)
        let ac = a.distance(to: c)
        let bc = b.distance(to: c)
        if ab >= ac && ab >= bc {
            (a, b, c) = (c, a, b)
        } else if ac >= ab && ac >= bc {
            (a, b, c) = (b, a, c)
        }
        if (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x) < 0 { swap(&b, &c) }
        // Modules between the finder centres, each side measured in its own patterns' module size.
        let across = (a.distance(to: b) / ((a.module + b.module) / 2) + a.distance(to: c) / ((a.module + c.module) / 2)) / 2
        let estimated = min(max(Int(((across + 7 - 17) / 4).rounded()), 1), 40)
        let module = (b.module + c.module) / 2
        var alignments: [PatternCentre] = []
        if estimated >= 2 {
            let inner = Double(4 * estimated + 10)
            let estimate = (
                x: b.x + c.x - a.x - 3 / inner * (b.x + c.x - 2 * a.x),
                y: b.y + c.y - a.y - 3 / inner * (b.y + c.y - 2 * a.y)
            )
            alignments = Array(search.alignments(near: estimate, module: module, radius: 14 * module).prefix(4))
        }
        var maps: [ProjectiveMap] = []
        for version in [estimated, estimated + 1, estimated - 1] where (1...40).contains(version) {
            let dimension = Double(17 + 4 * version)
            let finderModules = [(3.5, 3.5), (dimension - 3.5, 3.5), (3.5, dimension - 3.5)]
            let finderPixels = [(a.x, a.y), (b.x, b.y), (c.x, c.y)]
            if version >= 2 {
                for alignment in alignments {
                    if let map = ProjectiveMap(
                        from: finderModules + [(dimension - 6.5, dimension - 6.5)],
                        to: finderPixels + [(alignment.x, alignment.y)])
                    {
                        maps.append(map)
                    }
                }
            }
            if let map = ProjectiveMap(
                from: finderModules + [(dimension - 3.5, dimension - 3.5)],
                to: finderPixels + [(b.x + c.x - a.x, b.y + c.y - a.y)])
            {
                maps.append(map)
            }
        }
        return maps.lazy.map { map in self.straightened(through: map) }
    }

    /// The symbol whose modules `map` takes to this image, redrawn 4 pixels a module with a white
    /// 4-module quiet zone; the module coordinates of the symbol's corners are (0, 0) and
    /// (dimension, dimension), read from where the map puts the finder patterns.
    private func straightened(through map: ProjectiveMap) -> GreyImage {
        let dimension = map.dimension
        let scale = 4.0
        let side = Int((Double(dimension) + 8) * scale)
        var out = [UInt8](repeating: 255, count: side * side)
        for y in 0..<side {
            let v = (Double(y) + 0.5) / scale - 4
            guard v >= 0, v < Double(dimension) else { continue }
            for x in 0..<side {
                let u = (Double(x) + 0.5) / scale - 4
                guard u >= 0, u < Double(dimension) else { continue }
                let source = map(u, v)
                out[y * side + x] = sample(source.x, source.y)
            }
        }
        return GreyImage(uncheckedWidth: side, height: side, pixels: out)
    }
}

/// A finder or alignment pattern's centre and its module size, in pixels.
struct PatternCentre {
    var x: Double
    var y: Double
    var module: Double
    var hits = 1

    func distance(to other: PatternCentre) -> Double { ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot() }
}

/// Finder-pattern search on a binarised image (dark < 128): rows are scanned for runs in the
/// ratio dark 1 : light 1 : dark 3 : light 1 : dark 1, each hit is checked down its column, and
/// hits close together are merged; the three merged most often are the finder patterns.
struct FinderSearch {
    let image: GreyImage

    init(_ image: GreyImage) { self.image = image }

    func isDark(_ x: Int, _ y: Int) -> Bool { image.pixels[y * image.width + x] < 128 }

    /// Whether five run lengths are in the ratio `units` (within half a module each, as ZXing).
    static func matches(_ runs: [Int], _ units: [Double]) -> Double? {
        let total = Double(runs.reduce(0, +))
        let module = total / units.reduce(0, +)
        guard module >= 1 else { return nil }
        for (run, unit) in zip(runs, units) where abs(Double(run) - unit * module) >= unit * module / 2 {
            return nil
        }
        return module
    }

    /// The five runs through `(x, y)` along one axis, centred on the run that holds it
    /// (dark-light-CENTRE-light-dark), and where the centre run's middle is; `nil` if the line
    /// leaves the image first or `(x, y)` is light.
    func crossSection(x: Int, y: Int, vertical: Bool, limit: Int) -> (runs: [Int], centre: Double)? {
        let length = vertical ? image.height : image.width
        let start = vertical ? y : x
        func dark(_ i: Int) -> Bool { vertical ? isDark(x, i) : isDark(i, y) }
        guard dark(start) else { return nil }
        // Walk out from the centre: runs[2] is the centre run.
        var runs = [0, 0, 0, 0, 0]
        var i = start
        while i >= 0, dark(i) { runs[2] += 1; i -= 1 }
        let low = i + 1
        for (index, colour) in [(1, false), (0, true)] {
            while i >= 0, dark(i) == colour, runs[index] <= limit { runs[index] += 1; i -= 1 }
            guard runs[index] > 0, runs[index] <= limit else { return nil }
        }
        i = start + 1
        while i < length, dark(i) { runs[2] += 1; i += 1 }
        let high = i - 1
        for (index, colour) in [(3, false), (4, true)] {
            while i < length, dark(i) == colour, runs[index] <= limit { runs[index] += 1; i += 1 }
            guard runs[index] > 0, runs[index] <= limit else { return nil }
        }
        return (runs, Double(low + high + 1) / 2)
    }

    /// The three finder patterns found most often, or fewer.
    func patterns() -> [PatternCentre] {
        var found: [PatternCentre] = []
        let units = [1.0, 1, 3, 1, 1]
        for y in stride(from: 0, to: image.height, by: 2) {
            // Run lengths of the row, starting with the colour of its first pixel.
            var runs: [(dark: Bool, start: Int, length: Int)] = []
            for x in 0..<image.width {
                let dark = isDark(x, y)
                if let last = runs.last, last.dark == dark {
                    runs[runs.count - 1].length += 1
                } else {
                    runs.append((dark, x, 1))
                }
            }
            guard runs.count >= 5 else { continue }
            for i in 0...(runs.count - 5) where runs[i].dark {
                guard let module = Self.matches((i..<(i + 5)).map { runs[$0].length }, units) else { continue }
                let centreX = runs[i + 2].start + runs[i + 2].length / 2
                let limit = Int(module * 5) + 2
                guard let column = crossSection(x: centreX, y: y, vertical: true, limit: limit),
                    let vertical = Self.matches(column.runs, units)
                else { continue }
                let centreY = Int(column.centre)
                guard let row = crossSection(x: centreX, y: centreY, vertical: false, limit: limit),
                    let horizontal = Self.matches(row.runs, units)
                else { continue }
                let candidate = PatternCentre(x: row.centre, y: column.centre, module: (vertical + horizontal) / 2)
                if let index = found.firstIndex(where: {
                    $0.distance(to: candidate) < 3 * $0.module && candidate.module < 2 * $0.module
                        && $0.module < 2 * candidate.module
                }) {
                    var merged = found[index]
                    let n = Double(merged.hits)
                    merged.x = (merged.x * n + candidate.x) / (n + 1)
                    merged.y = (merged.y * n + candidate.y) / (n + 1)
                    merged.module = (merged.module * n + candidate.module) / (n + 1)
                    merged.hits += 1
                    found[index] = merged
                } else {
                    found.append(candidate)
                }
            }
        }
        return Array(found.filter { $0.hits >= 2 }.sorted { $0.hits > $1.hits }.prefix(3))
    }

    /// Alignment patterns (light 1 : dark 1 : light 1 through the centre, both ways, inside the
    /// dark ring) within `radius` of `estimate` with a module size near `module`, nearest first.
    /// Only the ring is known to be one module wide: the data modules next to it may be dark too,
    /// so the outer dark runs need only be at least half a module.
    func alignments(near estimate: (x: Double, y: Double), module: Double, radius: Double) -> [PatternCentre] {
        let limit = Int(module * 6) + 2
        func inner(_ runs: [Int]) -> Double? {
            let size = Double(runs[1] + runs[2] + runs[3]) / 3
            guard size >= 1, abs(size - module) < module / 2,
                runs[1...3].allSatisfy({ abs(Double($0) - size) < size / 2 }),
                Double(runs[0]) >= size / 2, Double(runs[4]) >= size / 2
            else { return nil }
            return size
        }
        var found: [(centre: PatternCentre, distance: Double)] = []
        let yRange = max(0, Int(estimate.y - radius))...max(0, min(image.height - 1, Int(estimate.y + radius)))
        let xRange = max(0, Int(estimate.x - radius))...max(0, min(image.width - 1, Int(estimate.x + radius)))
        for y in yRange {
            for x in xRange where isDark(x, y) && (x == 0 || !isDark(x - 1, y)) {
                guard let row = crossSection(x: x, y: y, vertical: false, limit: limit), let horizontal = inner(row.runs),
                    let column = crossSection(x: Int(row.centre), y: y, vertical: true, limit: limit),
                    let vertical = inner(column.runs)
                else { continue }
                let centre = PatternCentre(x: row.centre, y: column.centre, module: (horizontal + vertical) / 2)
                guard !found.contains(where: { $0.centre.distance(to: centre) < module }) else { continue }
                let dx = centre.x - estimate.x
                let dy = centre.y - estimate.y
                found.append((centre, (dx * dx + dy * dy).squareRoot()))
            }
        }
        return found.sorted { $0.distance < $1.distance }.map(\.centre)
    }
}
