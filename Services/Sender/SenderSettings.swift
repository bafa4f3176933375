import Delivery
import Encryption
import Foundation
import Logging
import ObjectStorage
import Platform

/// `mailbridge-sender`'s configuration, read and validated at start; every problem is reported at once.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `MAILBRIDGE_POSTGRES_URL`, `MAILBRIDGE_KAFKA_BROKERS`, `MAILBRIDGE_TOPIC_PREFIX` | connections | required, required, empty |
/// | `MAILBRIDGE_KEK_*`, `MAILBRIDGE_CREDENTIALS_KEY_*` | key rings (see `KeyEncryptionKeyRing`) | required |
/// | `MAILBRIDGE_LOG_HASH_KEY` | 32 bytes, base64: the PII hashing key | required |
/// | `MAILBRIDGE_BLIND_INDEX_KEY`, `MAILBRIDGE_DEFAULT_PLAN_*`, `MAILBRIDGE_PARKED_RELEASE_INTERVAL` | see `CapacitySettings` | |
/// | `MAILBRIDGE_NOTIFICATION_FROM` | `From` of usage alert mails | required |
/// | `MAILBRIDGE_MESSAGE_ID_DOMAIN`, `MAILBRIDGE_ORIGIN` | Message-ID domain and loop marker of alert mails | the `From` domain, `mailbridge` |
/// | `MAILBRIDGE_SENDER_GROUP`, `MAILBRIDGE_SENDER_LANES` | consumer group, tenants served at once | `mailbridge-sender`, 64 |
/// | `MAILBRIDGE_SENDER_PER_TENANT` | mails of one tenant sent at once (SMTP connections per tenant) | 4 |
/// | `MAILBRIDGE_SENDER_ATTEMPTS` | SMTP tries of a transient failure (and of database/broker failures) | 5 |
/// | `MAILBRIDGE_SENDER_RETRY_INITIAL`, `MAILBRIDGE_SENDER_RETRY_MAX` | back-off: first wait, longest wait (jittered) | `1s`, `60s` |
/// | `MAILBRIDGE_SENDER_SMTP_TIMEOUT`, `MAILBRIDGE_SENDER_SMTP_CONNECT_TIMEOUT` | per send | `120s`, `15s` |
/// | `MAILBRIDGE_SMTP_CA_FILE` | PEM CAs for the tenants' SMTP servers instead of the system's | unset |
/// | `MAILBRIDGE_SENDER_CONNECTION_CACHE` | how long a tenant's SMTP settings are reused | `30s` |
/// | `MAILBRIDGE_SENDER_RETENTION`, `MAILBRIDGE_SENDER_PURGE_INTERVAL` | ledger, history and `sent/` objects kept; purge period | `720h`, `1h` |
/// | `MAILBRIDGE_HEALTH_HOST`, `MAILBRIDGE_HEALTH_PORT` | `/healthz` `/readyz` `/metrics` | `127.0.0.1`, `9092` |
/// | `MAILBRIDGE_OBJECT_STORE`… | see `ObjectStoreSettings` | a local directory |
/// | `MAILBRIDGE_LOG_LEVEL` | | `info` |
struct SenderSettings: ServiceSettings {
    var postgresURL: String
    var kafkaBrokers: String
    var groupID: String
    var lanes: Int
    var perTenant: Int
    var sender: MailSenderConfiguration
    var capacity: CapacitySettings
    var alerts: UsageAlertMailer.Settings
    var retention: Duration
    var purgeInterval: Duration
    var healthHost: String
    var healthPort: Int
    var objectStore: ObjectStoreSettings
    var keyEncryptionKeys: KeyEncryptionKeyRing
    var credentialKeys: KeyEncryptionKeyRing
    var hasher: PIIHasher
    var logLevel: Logger.Level

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SenderSettings {
        var env = EnvironmentReader(environment: environment)
        let postgresURL = env.url("MAILBRIDGE_POSTGRES_URL", schemes: ["postgres", "postgresql"], secret: true).absoluteString
        let kafkaBrokers = env.required("MAILBRIDGE_KAFKA_BROKERS")
        let prefix = env.string("MAILBRIDGE_TOPIC_PREFIX", default: "")
        let hashKey = env.base64Key("MAILBRIDGE_LOG_HASH_KEY", length: 32)
        let capacity = CapacitySettings.read(&env)
        let from = env.required("MAILBRIDGE_NOTIFICATION_FROM")
        let fromDomain = from.split(separator: "@").last.map(String.init) ?? ""
        let domain = env.string("MAILBRIDGE_MESSAGE_ID_DOMAIN", default: fromDomain)
        let origin = env.string("MAILBRIDGE_ORIGIN", default: "mailbridge")
        let groupID = env.string("MAILBRIDGE_SENDER_GROUP", default: "mailbridge-sender")
        let lanes = env.integer("MAILBRIDGE_SENDER_LANES", default: 64, in: 1...10_000)
        let perTenant = env.integer("MAILBRIDGE_SENDER_PER_TENANT", default: 4, in: 1...64)
        let attempts = env.integer("MAILBRIDGE_SENDER_ATTEMPTS", default: 5, in: 1...100)
        let initialDelay = env.duration("MAILBRIDGE_SENDER_RETRY_INITIAL", default: .seconds(1))
        let maximumDelay = env.duration("MAILBRIDGE_SENDER_RETRY_MAX", default: .seconds(60))
        let smtpTimeout = env.duration("MAILBRIDGE_SENDER_SMTP_TIMEOUT", default: .seconds(120))
        let connectTimeout = env.duration("MAILBRIDGE_SENDER_SMTP_CONNECT_TIMEOUT", default: .seconds(15))
        let caFile = env.optional("MAILBRIDGE_SMTP_CA_FILE")
        let cacheLifetime = env.duration("MAILBRIDGE_SENDER_CONNECTION_CACHE", default: .seconds(30))
        let retention = env.duration("MAILBRIDGE_SENDER_RETENTION", default: DeliveryRetention.defaultRetention)
        let purgeInterval = env.duration("MAILBRIDGE_SENDER_PURGE_INTERVAL", default: .seconds(3600))
        let healthHost = env.string("MAILBRIDGE_HEALTH_HOST", default: "127.0.0.1")
        let healthPort = env.integer("MAILBRIDGE_HEALTH_PORT", default: 9092, in: 1...65535)
        let objectStore = ObjectStoreSettings.read(&env)
        let levelText = env.string("MAILBRIDGE_LOG_LEVEL", default: "info")
        try env.validate()
        guard let logLevel = Logger.Level(rawValue: levelText) else {
            throw ConfigurationError(variable: "MAILBRIDGE_LOG_LEVEL", problem: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard from.contains("@"), !domain.isEmpty else {
            throw ConfigurationError(variable: "MAILBRIDGE_NOTIFICATION_FROM", problem: "must be an email address")
        }
        guard initialDelay <= maximumDelay else {
            throw ConfigurationError(variable: "MAILBRIDGE_SENDER_RETRY_INITIAL", problem: "must not exceed MAILBRIDGE_SENDER_RETRY_MAX")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ConfigurationError(variable: "MAILBRIDGE_SMTP_CA_FILE", problem: "\(caFile) is not a readable file")
        }
        let sender = MailSenderConfiguration(
            topics: DeliveryTopics(prefix: prefix),
            retry: RetryPolicy(maximumAttempts: attempts, initialDelay: initialDelay, maximumDelay: maximumDelay),
            connectionCacheLifetime: cacheLifetime, smtpTimeout: smtpTimeout, smtpConnectTimeout: connectTimeout, smtpCAFile: caFile)
        return SenderSettings(
            postgresURL: postgresURL, kafkaBrokers: kafkaBrokers, groupID: groupID, lanes: lanes, perTenant: perTenant, sender: sender, capacity: capacity,
            alerts: UsageAlertMailer.Settings(from: .init(address: from), builder: .init(messageIDDomain: domain, origin: origin)),
            retention: retention, purgeInterval: purgeInterval, healthHost: healthHost, healthPort: healthPort, objectStore: objectStore,
            keyEncryptionKeys: try KeyEncryptionKeyRing(environment: environment, prefix: "MAILBRIDGE_KEK"),
            credentialKeys: try KeyEncryptionKeyRing(environment: environment, prefix: "MAILBRIDGE_CREDENTIALS_KEY"),
            hasher: PIIHasher(key: hashKey), logLevel: logLevel)
    }
}
