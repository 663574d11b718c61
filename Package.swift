// swift-tools-version: 6.2
//
// HealthCardKit: China's resident health card, e-health-card QR codes, the personal health
// information code (GB/T 38961-38963) and patient identity (EMPI), as Swift libraries and the
// `hcard` command line. The target graph and what each target may import: Docs/architecture.md.
import PackageDescription

/// The package's folder: the linker runs elsewhere, so the version script needs an absolute path.
let packageRoot = Context.packageDirectory

let package = Package(
    name: "HealthCardKit",
    platforms: [.macOS(.v15)],
    products: [
        // The umbrella: re-exports every library target below.
        .library(name: "HealthCardCore", targets: ["HealthCardCore"]),
        // The parts on their own, for programs that need less (a card reader links no SQLite,
        // zbar, libqrencode, libpng or libjpeg).
        .library(name: "ResidentCard", targets: ["ResidentCard", "ResidentCardPCSC", "ResidentCardEmulator"]),
        .library(name: "HealthQR", targets: ["HealthQR", "HealthQRImaging", "HealthQRZXing"]),
        .library(name: "PersonalHealthCode", targets: ["PersonalHealthCode", "ScanRegistration"]),
        .library(name: "CheckpointGate", targets: ["CheckpointGate", "CheckpointGateGPIO"]),
        .library(name: "EMPI", targets: ["EMPI", "EMPIIndex"]),
        .executable(name: "hcard", targets: ["hcard"]),
        // libhcard.so: the vendor reader DLL's C interface (hcard_vendor.h) and the C API
        // (hcard.h) for C, Python, Java and C# programs; Docs/c-api.md. Built as
        // libhcard-capi.so (the name `hcard` is the CLI's) with the soname libhcard.so, the name
        // Scripts/install-capi.sh installs it under.
        .library(name: "hcard-capi", type: .dynamic, targets: ["HealthCardCAPI"]),
        // Links only the card stack; Scripts/check-links.sh proves it with ldd.
        .executable(name: "hcard-card-probe", targets: ["hcard-card-probe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The HTTP server (`hcard serve`, HealthCardServer). swift-configuration support is left
        // off: the server reads its own small configuration file and environment.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // PostgreSQL for several `hcard serve` nodes (`--postgres URL`); imported only by the
        // server's PostgreSQL backend (Sources/HealthCardServer/Postgres).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: C: one system library per C library (pkg-config supplies the include paths), and
        // one thin shim target per adapter for what Swift cannot import.
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
            name: "CZint", path: "Sources/CHealthShims/system/CZint", providers: [.apt(["libzint-dev"])]),
        .systemLibrary(
            name: "CWebP", path: "Sources/CHealthShims/system/CWebP",
            pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(
            name: "CJPEG", path: "Sources/CHealthShims/system/CJPEG",
            pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(
            name: "CGPIOD", path: "Sources/CHealthShims/system/CGPIOD",
            pkgConfig: "libgpiod", providers: [.apt(["libgpiod-dev"])]),
        .target(name: "CHealthShimsPCSC", dependencies: ["CPCSCLite"], path: "Sources/CHealthShims/PCSC"),
        .target(name: "CHealthShimsOpenSSL", dependencies: ["COpenSSL"], path: "Sources/CHealthShims/OpenSSL"),
        .target(
            name: "CHealthShimsImaging", dependencies: ["CZBar", "CPNG", "CJPEG", "CZint"],
            path: "Sources/CHealthShims/Imaging",
            // libzint has no pkg-config file, and a C target does not autolink a module map's
            // `link`, so the library is named here.
            linkerSettings: [.linkedLibrary("zint")]),
        // zxing-cpp is C++: this shim is its only includer, and C++ (a thin C face in shims.cpp).
        // Its headers are <ZXing/…> under /usr/include, so no pkg-config flags are needed (zxing.pc
        // would put /usr/include/ZXing, with its Error.h and Content.h, on every dependent's path).
        .target(
            name: "CHealthShimsZXing", path: "Sources/CHealthShims/ZXing",
            linkerSettings: [.linkedLibrary("ZXing")]),

        // MARK: Library targets, lowest first.
        .target(
            name: "HealthCardFoundation",
            resources: [.copy("Resources/gb2260.tsv"), .copy("Resources/gb2260-provenance.md")]),
        .target(name: "HealthCardCrypto", dependencies: ["HealthCardFoundation", "CHealthShimsOpenSSL", "COpenSSL"]),
        .target(name: "ResidentCard", dependencies: ["HealthCardFoundation", "HealthCardCrypto"]),
        .target(name: "ResidentCardEmulator", dependencies: ["HealthCardFoundation", "HealthCardCrypto", "ResidentCard"]),
        .target(name: "ResidentCardPCSC", dependencies: ["HealthCardFoundation", "ResidentCard", "CHealthShimsPCSC", "CPCSCLite"]),
        .target(name: "HealthQR", dependencies: ["HealthCardFoundation", "HealthCardCrypto"]),
        .target(name: "HealthQRZXing", dependencies: ["HealthCardFoundation", "HealthQR", "CHealthShimsZXing"]),
        .target(
            name: "HealthQRImaging",
            dependencies: [
                "HealthCardFoundation", "HealthQR", "HealthQRZXing", "CHealthShimsImaging", "CQREncode", "CZBar", "CPNG",
                "CJPEG", "CWebP", "CZint",
            ]),
        .target(
            name: "HealthCardSQLite",
            dependencies: [
                "HealthCardFoundation", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for SingleStatementReader (GRDB's own system module of libsqlite3).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(
            name: "PersonalHealthCode",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "HealthCardSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Resources/rules"), .copy("Resources/health-information-schema.json")]),
        // A GPIO line through the Linux GPIO character device (libgpiod 1.6): the gate's GPIO door.
        .target(name: "CheckpointGateGPIO", dependencies: ["HealthCardFoundation", "CGPIOD"]),
        .target(
            name: "CheckpointGate",
            dependencies: [
                "HealthCardFoundation", "HealthQR", "HealthQRImaging", "PersonalHealthCode", "EMPIIndex", "ResidentCard",
                "ResidentCardPCSC", "CheckpointGateGPIO",
            ]),
        .target(
            name: "ScanRegistration",
            dependencies: [
                "HealthCardFoundation", "HealthQR", "PersonalHealthCode", "HealthCardSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Resources/forms")]),
        .target(
            name: "EMPI", dependencies: ["HealthCardFoundation"],
            resources: [
                .copy("Resources/pinyin.tsv"), .copy("Resources/trad-simp.tsv"), .copy("Resources/surnames.tsv"),
                .copy("Resources/empi-tables-provenance.md"),
            ]),
        .target(
            name: "EMPIIndex",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "EMPI", "HealthCardSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .target(
            name: "HealthCardFixtures",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "ResidentCard", "ResidentCardEmulator", "HealthQR",
                "PersonalHealthCode", "EMPI", "CheckpointGate",
            ]),
        .target(
            name: "HealthCardCore",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "ResidentCard", "ResidentCardEmulator", "ResidentCardPCSC",
                "HealthQR", "HealthQRImaging", "HealthQRZXing", "PersonalHealthCode", "ScanRegistration", "EMPI",
                "EMPIIndex", "HealthCardFixtures", "CheckpointGate", "CheckpointGateGPIO",
            ]),

        // MARK: The C library: @_cdecl exports over the card, PC/SC, QR, health-code and EMPI
        // targets; the headers are in its include/. Only the symbols of exports.map are exported
        // (a linker version script: an unsafe flag, fine for a leaf product nothing depends on).
        .target(
            name: "HealthCardCAPI",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "ResidentCard", "ResidentCardPCSC", "HealthQR",
                "PersonalHealthCode", "EMPI", "EMPIIndex",
            ],
            exclude: ["include", "exports.map", "hcard.pc.in"],
            linkerSettings: [
                .unsafeFlags([
                    "-Xlinker", "--version-script=\(packageRoot)/Sources/HealthCardCAPI/exports.map",
                    "-Xlinker", "-soname=libhcard.so", "-use-ld=lld",
                ])
            ]),

        // MARK: The HTTP server over the library (Docs/serve.md).
        .target(
            name: "HealthCardServer",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "PersonalHealthCode", "EMPI", "EMPIIndex",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "HealthCardSQLite", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Resources/openapi.json")]),

        // MARK: Programs.
        .executableTarget(
            name: "hcard",
            dependencies: [
                "HealthCardCore", "HealthCardServer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "hcard-card-probe", dependencies: ["HealthCardFoundation", "ResidentCard", "ResidentCardPCSC"],
            path: "Examples/card-probe"),

        // MARK: Tests mirror the targets.
        .target(
            name: "HealthCardTestSupport", dependencies: ["HealthCardFoundation", "HealthCardCrypto", "HealthQR", "EMPI"],
            path: "Tests/HealthCardTestSupport"),
        .testTarget(name: "HealthCardFoundationTests", dependencies: ["HealthCardFoundation", "HealthCardTestSupport"]),
        .testTarget(
            name: "HealthCardCryptoTests",
            dependencies: ["HealthCardFoundation", "HealthCardCrypto", "HealthCardTestSupport"]),
        .testTarget(
            name: "ResidentCardTests",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "ResidentCard", "ResidentCardEmulator", "HealthCardTestSupport",
            ]),
        .testTarget(
            name: "ResidentCardPCSCTests",
            dependencies: ["HealthCardFoundation", "ResidentCard", "ResidentCardPCSC", "HealthCardTestSupport"]),
        .testTarget(
            name: "HealthQRTests",
            dependencies: ["HealthCardFoundation", "HealthCardCrypto", "HealthQR", "HealthCardTestSupport"]),
        .testTarget(
            name: "HealthQRImagingTests",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "HealthQRImaging", "HealthQRZXing",
                "HealthCardTestSupport",
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "HealthQRZXingTests",
            // HealthQRImaging draws the symbols (libqrencode) and gives zbar's reading to compare.
            dependencies: ["HealthCardFoundation", "HealthQR", "HealthQRImaging", "HealthQRZXing", "HealthCardTestSupport"]),
        .testTarget(
            name: "PersonalHealthCodeTests",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "HealthQRImaging", "PersonalHealthCode",
                "HealthCardTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "CheckpointGateTests",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "HealthQRImaging", "PersonalHealthCode", "CheckpointGate",
                "HealthCardTestSupport",
            ]),
        .testTarget(
            name: "ScanRegistrationTests",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "PersonalHealthCode", "ScanRegistration",
                "HealthCardTestSupport",
            ]),
        .testTarget(name: "EMPITests", dependencies: ["HealthCardFoundation", "EMPI", "HealthCardTestSupport"]),
        .testTarget(
            name: "EMPIIndexTests",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "EMPI", "EMPIIndex", "HealthCardTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "HealthCardFixturesTests",
            dependencies: [
                "HealthCardFoundation", "HealthCardCrypto", "ResidentCard", "ResidentCardEmulator", "HealthQR",
                "HealthQRImaging", "PersonalHealthCode", "EMPI", "HealthCardFixtures", "HealthCardTestSupport",
            ]),
        .testTarget(name: "HealthCardCoreTests", dependencies: ["HealthCardCore"]),
        .testTarget(
            name: "HealthCardServerTests",
            dependencies: [
                "HealthCardServer", "HealthCardFoundation", "HealthCardCrypto", "HealthQR", "PersonalHealthCode", "EMPI",
                "EMPIIndex", "HealthCardTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
        .testTarget(
            name: "hcardTests",
            dependencies: [
                "hcard", "HealthCardCore", "HealthCardTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
    ],
    // zxing-cpp 1.4's headers need C++17 (CHealthShimsZXing).
    cxxLanguageStandard: .cxx17
)

// MARK: - Shared settings (as swift-asn1's "STANDARD CROSS-REPO SETTINGS")
for target in package.targets where target.type != .system {
    guard !target.name.hasPrefix("CHealthShims") else { continue }
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}

// MARK: - Documentation
// The DocC plugin only when building documentation (Scripts/check-docs.sh sets HCARD_DOCC=1), so
// the package graph that integrators resolve stays free of it (as STYLE §8 suggests).
if Context.environment["HCARD_DOCC"] == "1" {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
