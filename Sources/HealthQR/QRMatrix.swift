import HealthCardFoundation

/// The modules of one QR symbol: a square of dark and light cells, without the quiet zone.
///
/// A plain value so that rendering (SVG, terminal, pixels) needs no C and can be tested alone;
/// only producing a matrix (`QREncoder`) and writing image files touch C libraries.
/// Renderers add the quiet zone, the light margin readers need around the symbol (4 modules by
/// ISO/IEC 18004 §6.3.8; 2 is usually enough on screens).
public struct QRMatrix: Hashable, Sendable {
    /// The symbol version, 1...40; the width is `17 + 4 × version` modules.
    public let version: Int
    /// Modules per side.
    public let width: Int
    /// Row-major, `true` = dark.
    private let modules: [Bool]

    /// A matrix from its modules, row by row, `true` = dark.
    ///
    /// - Throws: `HealthCardError/Code/invalidValue` unless `version` is 1...40, `width` is
    ///   `17 + 4 × version` and there are `width × width` modules.
    public init(version: Int, width: Int, modules: [Bool]) throws {
        guard (1...40).contains(version) else {
            throw HealthCardError.invalidValue("QR version \(version) is outside 1...40")
        }
        guard width == 17 + 4 * version else {
            throw HealthCardError.invalidValue(
                "QR version \(version) is \(17 + 4 * version) modules wide, not \(width)")
        }
        guard modules.count == width * width else {
            throw HealthCardError.invalidValue("\(modules.count) modules for a \(width)×\(width) QR symbol")
        }
        self.version = version
        self.width = width
        self.modules = modules
    }

    /// Whether the module in column `x`, row `y` is dark. Outside the symbol (the quiet zone and
    /// beyond) every module is light.
    /// The modules row by row, `true` for dark: for renderers in this module.
    var darkModules: [Bool] { modules }

    public func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < width, y < width else { return false }
        return modules[y * width + x]
    }
}

// MARK: - Renderers

extension ModuleMatrix {
    /// An SVG image: a white background and one `<path>` of dark rectangles, with crisp edges.
    ///
    /// The `viewBox` is in modules (quiet zone included), so the image scales without blurring;
    /// `width`/`height` are `moduleSize` pixels per module. Horizontal runs of dark modules become
    /// one rectangle each, which keeps the path short.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4) -> String {
        let size = width + 2 * max(quietZone, 0)
        let offset = max(quietZone, 0)
        let pixels = size * max(moduleSize, 1)
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                var run = 1
                while isDark(x: x + run, y: y) { run += 1 }
                path += "M\(x + offset) \(y + offset)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(size) \(size)" shape-rendering="crispEdges">
            <rect width="\(size)" height="\(size)" fill="#ffffff"/>
            <path fill="#000000" d="\(path)"/>
            </svg>

            """
    }

    /// Text for a terminal: UTF-8 half blocks (`▀ ▄ █` and space), two module rows per line,
    /// quiet zone included, each line ended by `"\n"`.
    ///
    /// The glyph (foreground) colour draws the **light** modules and the terminal background shows
    /// the dark ones, so the symbol reads correctly on the usual dark terminal (as `qrencode -t UTF8`).
    /// Pass `invert: true` for a light terminal. There are `(width + 2 × quietZone + 1) / 2` lines;
    /// when the module rows are odd the last line's lower half is left as background.
    public func terminal(quietZone: Int = 2, invert: Bool = false) -> String {
        let margin = max(quietZone, 0)
        let size = width + 2 * margin
        // "Lit" = drawn in the foreground colour.
        func lit(_ x: Int, _ y: Int) -> Bool {
            guard y < size else { return false }  // below the last row: terminal background
            return isDark(x: x - margin, y: y - margin) == invert
        }
        var text = ""
        text.unicodeScalars.reserveCapacity((size + 1) / 2 * (size + 1))
        for y in stride(from: 0, to: size, by: 2) {
            for x in 0..<size {
                switch (lit(x, y), lit(x, y + 1)) {
                case (true, true): text.unicodeScalars.append("\u{2588}")  // █
                case (true, false): text.unicodeScalars.append("\u{2580}")  // ▀
                case (false, true): text.unicodeScalars.append("\u{2584}")  // ▄
                case (false, false): text.unicodeScalars.append(" ")
                }
            }
            text.unicodeScalars.append("\n")
        }
        return text
    }

    /// 8-bit grey pixels, row by row: 0 for dark modules, 255 for light ones and the quiet zone,
    /// `moduleSize` pixels per module. The format `QRDecoding` and the PNG/JPEG writers take.
    public func greyPixels(moduleSize: Int = 4, quietZone: Int = 4) -> (width: Int, height: Int, pixels: [UInt8]) {
        let scale = max(moduleSize, 1)
        let margin = max(quietZone, 0)
        let side = (width + 2 * margin) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<width {
            var row = [UInt8](repeating: 255, count: side)
            for x in 0..<width where isDark(x: x, y: y) {
                let start = (x + margin) * scale
                for i in start..<start + scale { row[i] = 0 }
            }
            for line in 0..<scale {
                let start = ((y + margin) * scale + line) * side
                pixels.replaceSubrange(start..<start + side, with: row)
            }
        }
        return (side, side, pixels)
    }

    /// ``greyPixels(moduleSize:quietZone:)`` as a ``GreyImage``.
    public func greyImage(moduleSize: Int = 4, quietZone: Int = 4) -> GreyImage {
        let (width, height, pixels) = greyPixels(moduleSize: moduleSize, quietZone: quietZone)
        return GreyImage(uncheckedWidth: width, height: height, pixels: pixels)
    }
}
