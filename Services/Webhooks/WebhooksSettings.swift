import Encryption
import Foundation
import Jira
import Logging
import Messaging
import Platform
import Tenancy
import WebhookReceipt

/// The service's configuration, read and validated at start; every problem is reported at once.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `MAILBRIDGE_WEBHOOKS_HOST`, `MAILBRIDGE_WEBHOOKS_PORT` | where Jira's calls arrive | `0.0.0.0`, `8080` |
/// | `MAILBRIDGE_HEALTH_HOST`, `MAILBRIDGE_HEALTH_PORT` | `/healthz` `/readyz` `/metrics` | `127.0.0.1`, `9090` |
/// | `MAILBRIDGE_APP_KEY`, `MAILBRIDGE_APP_BASE_URL` | the Connect app (descriptor `key`, `baseUrl`) | `mailbridge`, required |
/// | `MAILBRIDGE_INSTALL_KEYS_DIR` or `MAILBRIDGE_INSTALL_KEYS_URL` | public keys of signed installs | Atlassian's key server |
/// | `MAILBRIDGE_POSTGRES_URL`, `MAILBRIDGE_KAFKA_BROKERS`, `MAILBRIDGE_TOPIC_PREFIX` | connections | required, required, empty |
/// | `MAILBRIDGE_KEK_*`, `MAILBRIDGE_CREDENTIALS_KEY_*` | key rings (see `KeyEncryptionKeyRing`) | required |
/// | `MAILBRIDGE_LOG_HASH_KEY` | 32 bytes, base64: the PII hashing key | required |
/// | `MAILBRIDGE_WEBHOOKS_MAX_BODY_BYTES`, `…_PRODUCE_DEADLINE`, `…_MAX_IN_FLIGHT`, `…_SCHEME_REFRESH` | limits | 1 MiB, 10 s, 512, 2 s |
/// | `MAILBRIDGE_WEBHOOKS_KAFKA_LINGER` | how long the producer waits to batch records (`linger.ms`); each accepted webhook waits for it | 1 ms |
/// | `MAILBRIDGE_LOG_LEVEL` | | `info` |
struct WebhooksSettings: ServiceSettings {
    var host: String
    var port: Int
    var healthHost: String
    var healthPort: Int
    var postgresURL: String
    var kafkaBrokers: String
    var receipt: WebhookReceiptConfiguration
    var descriptor: ConnectDescriptor
    var keyEncryptionKeys: KeyEncryptionKeyRing
    var credentialKeys: KeyEncryptionKeyRing
    var hasher: PIIHasher
    var schemeRefreshInterval: Duration
    var producerLinger: Duration
    var logLevel: Logger.Level

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WebhooksSettings {
        var env = EnvironmentReader(environment: environment)
        let host = env.string("MAILBRIDGE_WEBHOOKS_HOST", default: "0.0.0.0")
        let port = env.integer("MAILBRIDGE_WEBHOOKS_PORT", default: 8080, in: 1...65535)
        let healthHost = env.string("MAILBRIDGE_HEALTH_HOST", default: "127.0.0.1")
        let healthPort = env.integer("MAILBRIDGE_HEALTH_PORT", default: 9090, in: 1...65535)
        let appKey = env.string("MAILBRIDGE_APP_KEY", default: "mailbridge")
        let appBaseURL = env.url("MAILBRIDGE_APP_BASE_URL", schemes: ["https", "http"]).absoluteString
        let postgresURL = env.url("MAILBRIDGE_POSTGRES_URL", schemes: ["postgres", "postgresql"], secret: true).absoluteString
        let kafkaBrokers = env.required("MAILBRIDGE_KAFKA_BROKERS")
        let prefix = env.string("MAILBRIDGE_TOPIC_PREFIX", default: "")
        let hashKey = env.base64Key("MAILBRIDGE_LOG_HASH_KEY", length: 32)
        let maximumBody = env.integer("MAILBRIDGE_WEBHOOKS_MAX_BODY_BYTES", default: 1 << 20, in: 1024...(64 << 20))
        let deadline = env.duration("MAILBRIDGE_WEBHOOKS_PRODUCE_DEADLINE", default: .seconds(10))
        let inFlight = env.integer("MAILBRIDGE_WEBHOOKS_MAX_IN_FLIGHT", default: 512, in: 1...100_000)
        let refresh = env.duration("MAILBRIDGE_WEBHOOKS_SCHEME_REFRESH", default: .seconds(2))
        let linger = env.duration("MAILBRIDGE_WEBHOOKS_KAFKA_LINGER", default: .milliseconds(1))
        let levelText = env.string("MAILBRIDGE_LOG_LEVEL", default: "info")
        let installKeys: ConnectInstallKeys
        if let directory = env.optional("MAILBRIDGE_INSTALL_KEYS_DIR") {
            installKeys = .directory(directory)
        } else if let server = env.optional("MAILBRIDGE_INSTALL_KEYS_URL") {
            installKeys = .server(env.url("MAILBRIDGE_INSTALL_KEYS_URL", schemes: ["https", "http"], default: server))
        } else {
            installKeys = .atlassian
        }
        try env.validate()
        guard let logLevel = Logger.Level(rawValue: levelText) else {
            throw ConfigurationError(variable: "MAILBRIDGE_LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        var receipt = WebhookReceiptConfiguration(
            appKey: appKey, appBaseURL: appBaseURL, installKeys: installKeys, topics: .init(prefix: prefix))
        receipt.maximumBodyBytes = maximumBody
        receipt.produceDeadline = deadline
        receipt.maximumInFlight = inFlight
        let descriptor: ConnectDescriptor
        do {
            descriptor = try ConnectDescriptor(
                appKey: appKey, baseURL: appBaseURL,
                vendorName: env.string("MAILBRIDGE_VENDOR_NAME", default: "Mailbridge"),
                vendorURL: env.string("MAILBRIDGE_VENDOR_URL", default: appBaseURL))
        } catch {
            throw ConfigurationError(variable: "MAILBRIDGE_APP_BASE_URL", problem: "\(error)")
        }
        return WebhooksSettings(
            host: host, port: port, healthHost: healthHost, healthPort: healthPort, postgresURL: postgresURL, kafkaBrokers: kafkaBrokers,
            receipt: receipt, descriptor: descriptor,
            keyEncryptionKeys: try KeyEncryptionKeyRing(environment: environment, prefix: "MAILBRIDGE_KEK"),
            credentialKeys: try KeyEncryptionKeyRing(environment: environment, prefix: "MAILBRIDGE_CREDENTIALS_KEY"),
            hasher: PIIHasher(key: hashKey), schemeRefreshInterval: refresh, producerLinger: linger,
            logLevel: logLevel)
    }
}
