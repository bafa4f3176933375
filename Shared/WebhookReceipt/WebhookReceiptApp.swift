import Encryption
import Kafka
import Logging
import Messaging
import Platform
import Postgres
import ServiceLifecycle
import Tenancy

/// Wires the service's parts over given connections, for `main` and for tests alike.
public struct WebhookReceiptApp: Sendable {
    /// The HTTP server.
    public let server: WebhookServer
    /// The notification-scheme cache; run it as a service (it polls).
    public let schemes: NotificationSchemeCache
    public let webhooks: JiraWebhookReceiver
    public let lifecycle: LifecycleReceiver
    public let feedback: FeedbackReceiver

    /// - Parameters:
    ///   - keys: the tenant data keys (wrapped by the key-encryption keys).
    ///   - credentialKeys: the key ring sealing shared secrets a second time (`CredentialVault`).
    ///   - descriptor: the app descriptor's JSON, served at `/atlassian-connect.json`.
    public init(
        host: String, port: Int, configuration: WebhookReceiptConfiguration, descriptor: [UInt8],
        pool: PostgresPool, keys: TenantKeyStore, credentialKeys: KeyEncryptionKeyRing, producer: KafkaProducer,
        schemeRefreshInterval: Duration, hasher: PIIHasher, logger: Logger,
        onServerRunning: (@Sendable (Int) async -> Void)? = nil
    ) {
        let cipher = TenantCipher(keys: keys)
        let directory = TenantDirectory(pool: pool, vault: CredentialVault(cipher: cipher, credentialKeys: credentialKeys), keys: keys)
        let publisher = EventPublisher(producer: producer, cipher: cipher, deadline: configuration.produceDeadline)
        let tenants = TenantCache(directory: directory)
        schemes = NotificationSchemeCache(pool: pool, refreshInterval: schemeRefreshInterval, logger: logger)
        webhooks = JiraWebhookReceiver(
            configuration: configuration, tenants: tenants, schemes: schemes, publisher: publisher, hasher: hasher, logger: logger)
        lifecycle = LifecycleReceiver(configuration: configuration, directory: directory, tenants: tenants, publisher: publisher, hasher: hasher, logger: logger)
        feedback = FeedbackReceiver(configuration: configuration, tenants: tenants, publisher: publisher, hasher: hasher, logger: logger)
        server = WebhookServer(
            host: host, port: port, configuration: configuration, descriptor: descriptor, webhooks: webhooks, lifecycle: lifecycle,
            feedback: feedback, logger: logger, onServerRunning: onServerRunning)
    }
}
