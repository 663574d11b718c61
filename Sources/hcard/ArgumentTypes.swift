import ArgumentParser
import HealthCardCore

/// Dates on the command line: `YYYY-MM-DD`, `YYYYMMDD` or `YYYY/M/D`.
extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(lenient: argument) }
}

/// `--symbology qr|grid-matrix`.
extension Symbology: ExpressibleByArgument {}

/// `--max-pixels` for the commands that read image files: the most pixels an image's header may
/// declare before it is decoded (a 543-byte JPEG can declare 60,000×60,000).
struct ImageLimitOption: ParsableArguments {
    @Option(
        name: .customLong("max-pixels"),
        help: ArgumentHelp(
            "Refuse image files whose header declares more pixels than this (default 40000000).", valueName: "N"))
    var maxPixels: Int = ImageFile.defaultMaxPixels

    func validate() throws {
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
    }
}
