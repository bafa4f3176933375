// swift-tools-version:6.1
//
// Mailbridge: a multi-tenant email handler for Jira Cloud.
// This file names every target; read it top to bottom to see the architecture.
import PackageDescription

/// Settings shared by every target we write: Swift 6 language mode, warnings are errors.
let strictSettings: [SwiftSetting] = [
    .unsafeFlags(["-warnings-as-errors"]),
]

/// A library under `Shared/<name>`.
func sharedLibrary(_ name: String, dependencies: [Target.Dependency] = [], resources: [Resource]? = nil) -> Target {
    .target(name: name, dependencies: dependencies, path: "Shared/\(name)", resources: resources, swiftSettings: strictSettings)
}

/// A C library reached through pkg-config, under `Shared/<name>` (a `module.modulemap` and a `shim.h`).
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Shared/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

/// An executable under `Services/<folder>`.
func service(_ name: String, folder: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, path: "Services/\(folder)", swiftSettings: strictSettings)
}

/// Tests for `target`, under `Tests/<target>Tests`.
func tests(for target: String, dependencies: [Target.Dependency] = [], exclude: [String] = []) -> Target {
    .testTarget(
        name: "\(target)Tests",
        dependencies: [.byName(name: target), "TestSupport"] + dependencies,
        path: "Tests/\(target)Tests",
        exclude: exclude,
        swiftSettings: strictSettings
    )
}

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let deque = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let cryptoExtras = Target.Dependency.product(name: "_CryptoExtras", package: "swift-crypto")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let mustache = Target.Dependency.product(name: "Mustache", package: "swift-mustache")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let nioExtras = Target.Dependency.product(name: "NIOExtras", package: "swift-nio-extras")

let package = Package(
    name: "Mailbridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mailbridge", targets: ["mailbridge"]),
        .executable(name: "mailbridge-bench", targets: ["mailbridge-bench"]),
        .executable(name: "mailbridge-webhooks", targets: ["mailbridge-webhooks"]),
        .executable(name: "mailbridge-renderer", targets: ["mailbridge-renderer"]),
        .executable(name: "mailbridge-sender", targets: ["mailbridge-sender"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // C libraries. Only the wrapper module beside each one imports it.
        systemLibrary("CRdKafka", pkgConfig: "rdkafka", apt: "librdkafka-dev"),
        systemLibrary("CLibPQ", pkgConfig: "libpq", apt: "libpq-dev"),
        systemLibrary("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),

        // Swift wrappers over the C libraries.
        sharedLibrary("Kafka", dependencies: ["CRdKafka", "TenantLanes", log, lifecycle, deque]),
        sharedLibrary("Postgres", dependencies: ["CLibPQ", "Hex", log, lifecycle, deque]),
        sharedLibrary("Curl", dependencies: ["CCurl", log, deque]),

        // Building blocks every service uses.
        sharedLibrary("Hex"),
        sharedLibrary("JSONWords"),
        sharedLibrary("Encryption", dependencies: ["Postgres", "Hex", crypto, log]),
        sharedLibrary("ObjectStorage", dependencies: ["Curl", "Platform", "Hex", crypto, log]),
        sharedLibrary("TenantLanes", dependencies: [deque]),
        sharedLibrary("Platform", dependencies: [log, metrics, lifecycle, crypto, hummingbird, prometheus, nioCore, nioPosix]),
        // Mail: parse any real-world message, find the visible reply, spot loops, build outbound MIME.
        sharedLibrary("Mail", dependencies: ["Hex", crypto]),
        // Jira Cloud: REST client, Atlassian Connect JWT (HS256 + qsh, RS256 install callbacks), ADF.
        sharedLibrary("Jira", dependencies: ["Curl", "Hex", "JSONWords", crypto, cryptoExtras, log]),
        // Tenants: lifecycle payloads, the tenants table with sealed shared secrets, the app descriptor.
        sharedLibrary("Tenancy", dependencies: ["Postgres", "Encryption"]),
        // Topic records: the sealed envelope of DESIGN §2, its publisher, and each topic's record bodies.
        sharedLibrary("Messaging", dependencies: ["Kafka", "Encryption", "Hex", "JSONWords"]),
        // Webhook receipt: Jira webhooks and lifecycle callbacks verified, dropped early or sealed into Kafka.
        sharedLibrary("WebhookReceipt", dependencies: ["Messaging", "Hex", "Kafka", "Postgres", "Encryption", "Jira", "Tenancy", "Platform", nioCore, nioPosix, nioHTTP1, nioExtras, log, metrics, lifecycle, crypto]),
        // Notifications: schemes, templates, and the renderer turning a Jira event into a sealed mail on mail.outbound.
        sharedLibrary("Notifications", dependencies: ["Delivery", "Messaging", "Kafka", "Postgres", "Encryption", "ObjectStorage", "Jira", "Mail", "Tenancy", "Platform", mustache, log, metrics, lifecycle]),
        // Delivery: the sender taking mail.outbound to SMTP, with plan capacity, sandbox, retries, DLQ and audit.
        sharedLibrary("Delivery", dependencies: ["Messaging", "Kafka", "Postgres", "Encryption", "ObjectStorage", "Curl", "Mail", "Platform", log, metrics, lifecycle, crypto]),

        // Executables.
        service("mailbridge", folder: "Mailbridge", dependencies: ["Kafka", "Postgres", "Platform", "Encryption", "Mail", "Tenancy", "Messaging", "Notifications", "Delivery", "ObjectStorage", "Jira", argumentParser, log]),
        service("mailbridge-webhooks", folder: "Webhooks", dependencies: ["WebhookReceipt", "Messaging", "Kafka", "Postgres", "Encryption", "Jira", "Tenancy", "Platform", log]),
        service("mailbridge-renderer", folder: "Renderer", dependencies: ["Notifications", "Messaging", "Kafka", "Postgres", "Encryption", "ObjectStorage", "Jira", "Tenancy", "Platform", log]),
        service("mailbridge-sender", folder: "Sender", dependencies: ["Delivery", "Messaging", "Kafka", "Postgres", "Encryption", "ObjectStorage", "Curl", "Platform", log]),
        .executableTarget(
            name: "mailbridge-bench",
            dependencies: ["Kafka", "Postgres", "Platform", "Encryption", "ObjectStorage", "Mail", argumentParser, log],
            path: "Benchmarks/MailbridgeBench",
            swiftSettings: strictSettings
        ),

        // Tests mirror the targets; TestSupport finds the servers the local stack started.
        .target(name: "TestSupport", dependencies: ["Kafka", "Curl", log], path: "Tests/TestSupport", swiftSettings: strictSettings),
        tests(for: "Kafka", dependencies: ["TenantLanes", "CRdKafka"]),
        tests(for: "Postgres"),
        tests(for: "Hex"),
        tests(for: "Curl"),
        tests(for: "TenantLanes"),
        tests(for: "Encryption", dependencies: ["Postgres"]),
        tests(for: "ObjectStorage", dependencies: ["Curl"]),
        tests(for: "Platform", dependencies: ["Curl", log, metrics, prometheus, lifecycle]),
        // Test inputs (messages, Python's second opinion) are read from the source tree.
        tests(for: "Mail", exclude: ["Corpus", "Expectations"]),
        tests(for: "Jira", dependencies: ["Curl", "Hex", crypto, log]),
        tests(for: "Tenancy", dependencies: ["Postgres", "Encryption", log]),
        tests(for: "WebhookReceipt", dependencies: ["Messaging", "Kafka", "Postgres", "Encryption", "Jira", "Tenancy", "Platform", "Curl", log, lifecycle]),
        tests(for: "Notifications", dependencies: ["Delivery", "Messaging", "Kafka", "Postgres", "Encryption", "ObjectStorage", "Jira", "Mail", "Tenancy", "Platform", "Curl", log, lifecycle]),
        // The outbound pipeline end to end: webhook service → renderer → sender → SMTP → IMAP.
        .testTarget(
            name: "OutboundPipelineTests",
            dependencies: [
                "WebhookReceipt", "Notifications", "Delivery", "Messaging", "Kafka", "Postgres", "Encryption", "ObjectStorage", "Jira",
                "Tenancy", "Platform", "Curl", "Mail", "TestSupport", log, lifecycle,
            ],
            path: "Tests/OutboundPipelineTests",
            swiftSettings: strictSettings
        ),
        tests(for: "Delivery", dependencies: ["Messaging", "Kafka", "Postgres", "Encryption", "ObjectStorage", "Curl", "Mail", "Platform", log, lifecycle]),
    ]
)
