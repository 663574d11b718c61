import ArgumentParser
import HealthCardCore

/// Dates on the command line: `YYYY-MM-DD`, `YYYYMMDD` or `YYYY/M/D`.
extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) { self.init(lenient: argument) }
}
extension Symbology: ExpressibleByArgument {}
