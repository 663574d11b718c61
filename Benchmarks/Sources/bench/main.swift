/// `swift run -c release --package-path Benchmarks bench [card|identity|qr|qr-read|qr-profile N|qr-batch ROWS JOBS [DIR|memory]|sm2-sign N|empi|empi-index|empi-twins|empi-suites|passlog|serve [--persons N] [--seconds S] [--only …]]`
/// (no filter: all of them; empi and passlog take minutes each: 1 M records, 10 M passages;
/// `HCK_PASSLOG_FILE=/tmp/pass.db` keeps the 10 M-passage log and reuses it in later runs).
let filter = CommandLine.arguments.dropFirst().first
print("# HealthCardKit benchmarks")
if filter == "qr-batch" { try await QRBatchRun.run(Array(CommandLine.arguments.dropFirst(2))) }
if filter == "sm2-sign" { try QRBatchRun.sign(count: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 2000) }
if filter == "qr-profile" { try QRProfile.run(count: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 300) }
if filter == nil || filter == "identity" { try await IdentityBenchmarks.run() }
if filter == nil || filter == "card" { try await CardBenchmarks.run() }
if filter == nil || filter == "qr" { try await QRBenchmarks.run() }
if filter == nil || filter == "qr" || filter == "qr-read" { try await QRReadRateBenchmarks.run() }
IssueTable.shared.print()
if filter == nil || filter == "empi" { try await EMPIBenchmarks.run() }
if filter == "empi-index" { try await EMPIBenchmarks.runIndex() }
if filter == "empi-twins" { try await EMPIBenchmarks.runTwins() }
if filter == "empi-suites" { try await EMPISuiteBenchmarks.run() }
if filter == nil || filter == "passlog" { try await PassLogBenchmarks.run() }
// Not in the default run: it needs a release `hcard` and builds a 1 M-person index on first use.
if filter == "serve" { try await ServeBenchmarks.run(Array(CommandLine.arguments.dropFirst(2))) }
