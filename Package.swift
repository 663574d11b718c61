// swift-tools-version: 6.2
//
// HealthCardKit: China's resident health card, e-health-card QR codes, the personal health
// information code (GB/T 38961-38963) and patient identity (EMPI), as a Swift library and the
// `hcard` command line. Layout: ../shared/STYLE.md §1.
import PackageDescription

let package = Package(
    name: "HealthCardKit",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HealthCardCore", targets: ["HealthCardCore"]),
        .executable(name: "hcard", targets: ["hcard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // One system library per C library; pkg-config supplies the include paths.
        .systemLibrary(
            name: "CPCSCLite", path: "Sources/CHealthShims/system/CPCSCLite",
            pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        .systemLibrary(
            name: "CQREncode", path: "Sources/CHealthShims/system/CQREncode",
            pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(
            name: "CZBar", path: "Sources/CHealthShims/system/CZBar",
            pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/CHealthShims/system/COpenSSL",
            pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CHealthShims/system/CPNG",
            pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CJPEG", path: "Sources/CHealthShims/system/CJPEG",
            pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .target(
            name: "CHealthShims", dependencies: ["CPCSCLite", "CQREncode", "CZBar", "COpenSSL", "CPNG", "CJPEG"],
            path: "Sources/CHealthShims", exclude: ["system"]),
        .target(
            name: "HealthCardCore",
            dependencies: ["CHealthShims", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [
                .copy("Resources/gb2260.tsv"), .copy("Resources/gb2260-provenance.md"), .copy("Resources/rules"),
                .copy("Resources/health-information-schema.json"),
                .copy("Resources/pinyin.tsv"), .copy("Resources/trad-simp.tsv"), .copy("Resources/surnames.tsv"),
                .copy("Resources/empi-tables-provenance.md"),
            ]),
        .executableTarget(
            name: "hcard",
            dependencies: [
                "HealthCardCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "HealthCardCoreTests", dependencies: ["HealthCardCore"]),
        .testTarget(
            name: "hcardTests",
            dependencies: ["hcard", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    ]
)

// MARK: - Shared settings (as swift-asn1's "STANDARD CROSS-REPO SETTINGS")
for target in package.targets where target.type != .system {
    guard target.name != "CHealthShims" else { continue }
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
