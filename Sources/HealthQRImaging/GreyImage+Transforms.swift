import Foundation
import HealthCardFoundation
import HealthQR

/// The image transforms of ``QRScanLadder``, and of the tests that make hard images out of easy
/// ones. Plain loops over bytes: each is one pass, cheap next to a zbar scan of the same image.
extension GreyImage {
    /// Light and dark swapped (255 - value).
    public func inverted() -> GreyImage {
        GreyImage(uncheckedWidth: width, height: height, pixels: pixels.map { 255 &- $0 })
    }

    /// Half the width and height (rounded up), each pixel the mean of a 2×2 block.
    public func halved() -> GreyImage {
        let newWidth = (width + 1) / 2
        let newHeight = (height + 1) / 2
        var out = [UInt8](repeating: 0, count: newWidth * newHeight)
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<newHeight {
                let top = 2 * y * width
                let bottom = min(2 * y + 1, height - 1) * width
                for x in 0..<newWidth {
                    let left = 2 * x
                    let right = min(2 * x + 1, width - 1)
                    let sum = Int(source[top + left]) + Int(source[top + right]) + Int(source[bottom + left])
                        + Int(source[bottom + right])
                    out[y * newWidth + x] = UInt8((sum + 2) / 4)
                }
            }
        }
        return GreyImage(uncheckedWidth: newWidth, height: newHeight, pixels: out)
    }

    /// Twice the width and height, each pixel repeated 2×2.
    public func doubled() -> GreyImage {
        var out = [UInt8](repeating: 0, count: 4 * width * height)
        for y in 0..<(2 * height) {
            let row = (y / 2) * width
            for x in 0..<(2 * width) { out[y * 2 * width + x] = pixels[row + x / 2] }
        }
        return GreyImage(uncheckedWidth: 2 * width, height: 2 * height, pixels: out)
    }

    /// Black or white by a local threshold: a pixel is black if it is darker than 90 % of the mean
    /// of the square around it (a side of an eighth of the image, at least 15 pixels), computed
    /// with an integral image. Survives shadows and gradients a global threshold does not.
    public func binarised() -> GreyImage {
        let radius = max(7, min(width, height) / 16)
        var integral = [Int](repeating: 0, count: (width + 1) * (height + 1))
        for y in 0..<height {
            var rowSum = 0
            for x in 0..<width {
                rowSum += Int(pixels[y * width + x])
                integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + rowSum
            }
        }
        var out = [UInt8](repeating: 255, count: width * height)
        for y in 0..<height {
            let top = max(0, y - radius)
            let bottom = min(height, y + radius + 1)
            for x in 0..<width {
                let left = max(0, x - radius)
                let right = min(width, x + radius + 1)
                let sum = integral[bottom * (width + 1) + right] - integral[top * (width + 1) + right]
                    - integral[bottom * (width + 1) + left] + integral[top * (width + 1) + left]
                let count = (bottom - top) * (right - left)
                if Int(pixels[y * width + x]) * count * 10 < sum * 9 { out[y * width + x] = 0 }
            }
        }
        return GreyImage(uncheckedWidth: width, height: height, pixels: out)
    }

    /// Turned by `degrees` counter-clockwise about the centre, on a white ground large enough to
    /// hold all of it; nearest-neighbour sampling.
    public func rotated(degrees: Double) -> GreyImage {
        let angle = degrees * Double.pi / 180
        let (cosine, sine) = (cos(angle), sin(angle))
        let newWidth = Int((Double(width) * abs(cosine) + Double(height) * abs(sine)).rounded(.up))
        let newHeight = Int((Double(width) * abs(sine) + Double(height) * abs(cosine)).rounded(.up))
        var out = [UInt8](repeating: 255, count: newWidth * newHeight)
        let (centreX, centreY) = (Double(width) / 2, Double(height) / 2)
        let (newCentreX, newCentreY) = (Double(newWidth) / 2, Double(newHeight) / 2)
        for y in 0..<newHeight {
            let dy = Double(y) + 0.5 - newCentreY
            for x in 0..<newWidth {
                let dx = Double(x) + 0.5 - newCentreX
                // The inverse rotation maps each output pixel to its source.
                let sourceX = Int((cosine * dx - sine * dy + centreX).rounded(.down))
                let sourceY = Int((sine * dx + cosine * dy + centreY).rounded(.down))
                if sourceX >= 0, sourceY >= 0, sourceX < width, sourceY < height {
                    out[y * newWidth + x] = pixels[sourceY * width + sourceX]
                }
            }
        }
        return GreyImage(uncheckedWidth: newWidth, height: newHeight, pixels: out)
    }

    func rotated45() -> GreyImage { rotated(degrees: 45) }
}
