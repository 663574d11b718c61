// swift-tools-version: 6.2
//
// HealthCardKit benchmarks: a separate package so the main package graph stays clean
// (STYLE §9). Run: swift run -c release --package-path Benchmarks bench [filter]
import PackageDescription

let package = Package(
    name: "HealthCardKitBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "HealthCardKit", path: "../"),
        // The persistent-index benchmark's SQLite anchor (the same GRDB the package uses).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "bench",
            dependencies: [
                .product(name: "HealthCardCore", package: "HealthCardKit"), .product(name: "GRDB", package: "GRDB.swift"),
                "CZXingBench",
            ],
            path: "Sources/bench"),
        // zxing-cpp (Debian's libzxing-dev, installed by Scripts/setup.sh), the anchor of the
        // read-rate rows, called as its own users call it (its text decoding), independent of the
        // library's ZXingQRDecoder (issue 19, item 2).
        .target(
            name: "CZXingBench", path: "Sources/CZXingBench",
            linkerSettings: [.linkedLibrary("ZXing")]),
    ],
    cxxLanguageStandard: .cxx17
)
