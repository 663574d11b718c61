import ArgumentParser
import HealthCardCore

/// `hcard`: the command line over `HealthCardCore`. Thin: it parses, calls the library and formats.
@main
struct HCard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hcard",
        abstract: "Resident health cards, e-health-card QR codes, health codes and patient identity.",
        discussion: """
            Examples:
              hcard id check 11010519491231002X
              echo 110105491231002 | hcard id check --json
              hcard codes ethnicity
            """,
        subcommands: [
            IDCommand.self, CodesCommand.self, CardCommand.self, ReadCommand.self, WriteCommand.self, EraseCommand.self,
            KeysCommand.self, QRCommand.self, HealthCodeCommand.self, CheckpointCommand.self, PassLogCommand.self,
            SiteCommand.self, RegisterCommand.self, ClueCommand.self,
            EMPICommand.self, AccountCommand.self, BlacklistCommand.self, PlatformCommand.self, FixturesCommand.self,
            DemoCommand.self,
            ReadersCommand.self, ATRCommand.self, APDUCommand.self, EmulateCommand.self,
        ]
    )
}
