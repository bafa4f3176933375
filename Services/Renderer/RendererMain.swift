import Encryption
import Foundation
import Jira
import Kafka
import Logging
import Messaging
import Notifications
import Platform
import Postgres
import Tenancy

/// `mailbridge-renderer`: consumes `jira.events` in per-tenant lanes and turns each event a
/// notification scheme applies to into a sealed mail and a `mail.outbound` record (see
/// `NotificationRenderer`). Configuration: `RendererEnvironment`. Stops gracefully on SIGTERM.
@main
enum RendererMain {
    static func main() async {
        await ServiceMain.run("mailbridge-renderer", configuration: { try RendererEnvironment.read() }) { settings, registry, logger in
            let pool = PostgresPool(configuration: PostgresConfiguration(connectionString: settings.postgresURL, maximumConnections: 16), logger: logger)
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: settings.keyEncryptionKeys, logger: logger)
            let cipher = TenantCipher(keys: keys)
            let directory = TenantDirectory(pool: pool, vault: CredentialVault(cipher: cipher, credentialKeys: settings.credentialKeys), keys: keys)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: settings.kafkaBrokers), logger: logger)
            let renderer = NotificationRenderer(
                settings: settings.renderer, cipher: cipher, schemes: SchemeCache(store: SchemeStore(pool: pool)),
                templates: TemplateStore(pool: pool),
                jira: TenantJiraClients(directory: directory, appKey: settings.appKey, limiter: JiraRequestLimiter(), logger: logger),
                objects: try settings.objectStore.makeStore(),
                publisher: EventPublisher(producer: producer, cipher: cipher, deadline: settings.renderer.produceDeadline),
                audit: RenderAudit(pool: pool), logger: logger)
            let handler = RenderingHandler(renderer: renderer, producer: producer, hasher: settings.hasher, logger: logger)
            let consumer = try TenantLaneConsumer(
                configuration: KafkaConsumerConfiguration(bootstrapServers: settings.kafkaBrokers, groupID: settings.groupID),
                topics: [settings.renderer.topics.events], maximumConcurrentLanes: settings.lanes,
                maximumConcurrentPerTenant: settings.perTenant, logger: logger
            ) { message in await handler.handle(message) }
            let admin = KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: settings.kafkaBrokers), logger: logger, timeout: .seconds(5))
            let health = HealthServer(
                host: settings.healthHost, port: settings.healthPort,
                checks: [
                    ReadinessCheck(name: "postgres") { _ = try await pool.query("SELECT 1") },
                    ReadinessCheck(name: "kafka") { _ = try await admin.partitionCount(of: settings.renderer.topics.events) },
                    // Not ready once the producer hit a fatal error; the process exits soon after.
                    ReadinessCheck(name: "kafka-producer") { if let error = producer.fatalError { throw error } },
                ],
                registry: registry, logger: logger)
            // Render audit rows are kept 30 days (docs/notifications.md).
            let audit = RenderAudit(pool: pool)
            let purge = PeriodicService(name: "render audit purge", interval: .seconds(3600), logger: logger) {
                let purged = try await audit.purge(before: Date().addingTimeInterval(-RenderAudit.retention))
                if purged > 0 { logger.info("render audit rows purged", metadata: ["rows": "\(purged)"]) }
            }
            // Started in this order, stopped in reverse: the consumer drains before the producer flushes.
            try await ServiceRunner.run([pool, producer, health, purge, consumer], logger: logger)
        }
    }
}
