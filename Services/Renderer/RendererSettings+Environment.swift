import Encryption
import Foundation
import Logging
import Notifications
import ObjectStorage
import Platform

/// `mailbridge-renderer`'s configuration, read and validated at start; every problem is reported at once.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `MAILBRIDGE_POSTGRES_URL`, `MAILBRIDGE_KAFKA_BROKERS`, `MAILBRIDGE_TOPIC_PREFIX` | connections | required, required, empty |
/// | `MAILBRIDGE_KEK_*`, `MAILBRIDGE_CREDENTIALS_KEY_*` | key rings (see `KeyEncryptionKeyRing`) | required |
/// | `MAILBRIDGE_LOG_HASH_KEY` | 32 bytes, base64: the PII hashing key | required |
/// | `MAILBRIDGE_APP_KEY` | the Connect app key (`iss` of our calls to Jira) | `mailbridge` |
/// | `MAILBRIDGE_NOTIFICATION_FROM` | the `From` address when a scheme names none | required |
/// | `MAILBRIDGE_MESSAGE_ID_DOMAIN` | right-hand side of our Message-IDs | the `From` address's domain |
/// | `MAILBRIDGE_ORIGIN` | our loop marker's value | `mailbridge` |
/// | `MAILBRIDGE_ATTACHMENT_MAX_BYTES` | attachments one mail carries; more become links | 10 MiB |
/// | `MAILBRIDGE_RENDERER_GROUP`, `MAILBRIDGE_RENDERER_LANES` | consumer group, events rendered at once | `mailbridge-renderer`, 64 |
/// | `MAILBRIDGE_RENDERER_PER_TENANT` | events of one tenant rendered at once (started in order) | 4 |
/// | `MAILBRIDGE_RENDERER_ATTEMPTS` | tries of an event failing transiently before it is dead-lettered | 5 |
/// | `MAILBRIDGE_HEALTH_HOST`, `MAILBRIDGE_HEALTH_PORT` | `/healthz` `/readyz` `/metrics` | `127.0.0.1`, `9091` |
/// | `MAILBRIDGE_OBJECT_STORE`… | see `ObjectStoreSettings` | a local directory |
/// | `MAILBRIDGE_LOG_LEVEL` | | `info` |
struct RendererEnvironment: ServiceSettings {
    var postgresURL: String
    var kafkaBrokers: String
    var groupID: String
    var lanes: Int
    var perTenant: Int
    var appKey: String
    var healthHost: String
    var healthPort: Int
    var renderer: RendererSettings
    var objectStore: ObjectStoreSettings
    var keyEncryptionKeys: KeyEncryptionKeyRing
    var credentialKeys: KeyEncryptionKeyRing
    var hasher: PIIHasher
    var logLevel: Logger.Level

    static func read(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RendererEnvironment {
        var env = EnvironmentReader(environment: environment)
        let postgresURL = env.url("MAILBRIDGE_POSTGRES_URL", schemes: ["postgres", "postgresql"], secret: true).absoluteString
        let kafkaBrokers = env.required("MAILBRIDGE_KAFKA_BROKERS")
        let prefix = env.string("MAILBRIDGE_TOPIC_PREFIX", default: "")
        let hashKey = env.base64Key("MAILBRIDGE_LOG_HASH_KEY", length: 32)
        let appKey = env.string("MAILBRIDGE_APP_KEY", default: "mailbridge")
        let from = env.required("MAILBRIDGE_NOTIFICATION_FROM")
        let fromDomain = from.split(separator: "@").last.map(String.init) ?? ""
        let domain = env.string("MAILBRIDGE_MESSAGE_ID_DOMAIN", default: fromDomain)
        let origin = env.string("MAILBRIDGE_ORIGIN", default: "mailbridge")
        let attachmentBytes = env.integer("MAILBRIDGE_ATTACHMENT_MAX_BYTES", default: 10 << 20, in: 0...(1 << 30))
        let groupID = env.string("MAILBRIDGE_RENDERER_GROUP", default: "mailbridge-renderer")
        let lanes = env.integer("MAILBRIDGE_RENDERER_LANES", default: 64, in: 1...10_000)
        let perTenant = env.integer("MAILBRIDGE_RENDERER_PER_TENANT", default: 4, in: 1...1_000)
        let attempts = env.integer("MAILBRIDGE_RENDERER_ATTEMPTS", default: 5, in: 1...100)
        let healthHost = env.string("MAILBRIDGE_HEALTH_HOST", default: "127.0.0.1")
        let healthPort = env.integer("MAILBRIDGE_HEALTH_PORT", default: 9091, in: 1...65535)
        let objectStore = ObjectStoreSettings.read(&env)
        let levelText = env.string("MAILBRIDGE_LOG_LEVEL", default: "info")
        try env.validate()
        guard from.contains("@"), !domain.isEmpty else {
            throw ConfigurationError(variable: "MAILBRIDGE_NOTIFICATION_FROM", problem: "must be an email address")
        }
        guard let logLevel = Logger.Level(rawValue: levelText) else {
            throw ConfigurationError(variable: "MAILBRIDGE_LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        let renderer = RendererSettings(
            topics: .init(prefix: prefix), defaultFrom: from, messageIDDomain: domain, origin: origin,
            attachments: EventAttachments(maximumBytesPerMail: Int64(attachmentBytes)), maximumAttempts: attempts)
        return RendererEnvironment(
            postgresURL: postgresURL, kafkaBrokers: kafkaBrokers, groupID: groupID, lanes: lanes, perTenant: perTenant, appKey: appKey,
            healthHost: healthHost, healthPort: healthPort, renderer: renderer, objectStore: objectStore,
            keyEncryptionKeys: try KeyEncryptionKeyRing(environment: environment, prefix: "MAILBRIDGE_KEK"),
            credentialKeys: try KeyEncryptionKeyRing(environment: environment, prefix: "MAILBRIDGE_CREDENTIALS_KEY"),
            hasher: PIIHasher(key: hashKey), logLevel: logLevel)
    }
}
