import Foundation
import HealthQR

/// A projective map of the plane (a homography): what a camera does to a flat card it does not
/// face squarely. `x' = (a x + b y + c) / (g x + h y + 1)`, `y' = (d x + e y + f) / (g x + h y + 1)`.
///
/// Used by the scan ladder to straighten a code seen at an angle (`GreyImage.straightenedQRViews()`),
/// and by the tests to make such views of our own codes.
public struct ProjectiveMap: Sendable {
    /// `a, b, c, d, e, f, g, h`.
    private let coefficients: [Double]
    /// For a map from a QR symbol's module coordinates: its modules per side (the first source
    /// point is the top-left finder centre at 3.5, the second the top-right one at dimension - 3.5).
    let dimension: Int

    /// The map that takes each of four points `from[i]` to `to[i]`; `nil` if three of them lie on
    /// one line (no such map).
    ///
    /// - Parameters:
    ///   - from: four points, no three on one line.
    ///   - to: where each goes.
    public init?(from: [(x: Double, y: Double)], to: [(x: Double, y: Double)]) {
        guard from.count == 4, to.count == 4 else { return nil }
        var rows: [[Double]] = []
        for (p, q) in zip(from, to) {
            rows.append([p.x, p.y, 1, 0, 0, 0, -p.x * q.x, -p.y * q.x, q.x])
            rows.append([0, 0, 0, p.x, p.y, 1, -p.x * q.y, -p.y * q.y, q.y])
        }
        // Gaussian elimination with partial pivoting.
        for column in 0..<8 {
            guard let pivot = (column..<8).max(by: { abs(rows[$0][column]) < abs(rows[$1][column]) }),
                abs(rows[pivot][column]) > 1e-12
            else { return nil }
            rows.swapAt(column, pivot)
            for row in 0..<8 where row != column {
                let factor = rows[row][column] / rows[column][column]
                if factor != 0 { for k in column...8 { rows[row][k] -= factor * rows[column][k] } }
            }
        }
        coefficients = (0..<8).map { rows[$0][8] / rows[$0][$0] }
        dimension = Int((from[1].x + 3.5).rounded())
    }

    /// Where `(x, y)` goes.
    ///
    /// - Parameters:
    ///   - x: the point's first coordinate.
    ///   - y: its second.
    public func callAsFunction(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        let m = coefficients
        let d = m[6] * x + m[7] * y + 1
        return ((m[0] * x + m[1] * y + m[2]) / d, (m[3] * x + m[4] * y + m[5]) / d)
    }
}

extension GreyImage {
    /// The grey level at a point between pixel centres (bilinear), or `outside` beyond the image.
    func sample(_ x: Double, _ y: Double, outside: UInt8 = 255) -> UInt8 {
        let (sx, sy) = (x - 0.5, y - 0.5)
        guard sx > -0.5, sy > -0.5, sx < Double(width) - 0.5, sy < Double(height) - 0.5 else { return outside }
        let x0 = min(max(Int(sx.rounded(.down)), 0), width - 2)
        let y0 = min(max(Int(sy.rounded(.down)), 0), height - 2)
        let fx = min(max(sx - Double(x0), 0), 1)
        let fy = min(max(sy - Double(y0), 0), 1)
        func at(_ x: Int, _ y: Int) -> Double { Double(pixels[y * width + x]) }
        let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
        let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
        return UInt8((top * (1 - fy) + bottom * fy).rounded())
    }

    /// A `width` × `height` picture whose pixel centres come from this image through `map`
    /// (output → this image), bilinearly; `ground` where the map leaves the image.
    ///
    /// - Parameters:
    ///   - width: the picture's width in pixels.
    ///   - height: its height.
    ///   - ground: the grey level where the map leaves this image.
    ///   - map: from a pixel of the picture to a point of this image.
    public func resampled(width: Int, height: Int, ground: UInt8 = 255, through map: ProjectiveMap) -> GreyImage {
        var out = [UInt8](repeating: ground, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let source = map(Double(x) + 0.5, Double(y) + 0.5)
                out[y * width + x] = sample(source.x, source.y, outside: ground)
            }
        }
        return GreyImage(uncheckedWidth: width, height: height, pixels: out)
    }
}
