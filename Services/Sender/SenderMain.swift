import Delivery
import Encryption
import Foundation
import Kafka
import Logging
import Messaging
import Platform
import Postgres

/// `mailbridge-sender`: consumes `mail.outbound` in per-tenant lanes and delivers each mail over
/// the tenant's SMTP connection (see `MailSender`), with plan capacity (`PlanCapacity`, parked
/// mail released by `ParkedMailReleaser`), the outbound audit, `mail.sent` and the DLQ. Purges
/// its records past retention. Configuration: `SenderSettings`. Stops gracefully on SIGTERM.
@main
enum SenderMain {
    static func main() async {
        await ServiceMain.run("mailbridge-sender", configuration: { try SenderSettings.fromEnvironment() }) { settings, registry, logger in
            // Up to four sends per tenant at once, each a few statements: more than the default eight connections.
            let database = PostgresConfiguration(connectionString: settings.postgresURL, maximumConnections: 16)
            let pool = PostgresPool(configuration: database, logger: logger)
            // Held for the life of the process: other senders see this instance's claims as live.
            let liveness = SenderLivenessLock(instanceID: UUID().uuidString.lowercased(), configuration: database, logger: logger)
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: settings.keyEncryptionKeys, logger: logger)
            let cipher = TenantCipher(keys: keys)
            let vault = CredentialVault(cipher: cipher, credentialKeys: settings.credentialKeys)
            let index = try BlindIndex(key: settings.capacity.blindIndexKey)
            let store = try settings.objectStore.makeStore()
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: settings.kafkaBrokers), logger: logger)
            let topics = settings.sender.topics
            let publish = EventPublisher(producer: producer, cipher: cipher, deadline: settings.sender.produceDeadline)
                .outboundPublish(topic: topics.outbound)
            let parked = ParkedMailStore(pool: pool, cipher: cipher, blindIndex: index)
            let alerts = UsageAlertMailer(
                pool: pool, cipher: cipher, store: store, contacts: CapacityContacts(pool: pool, cipher: cipher, blindIndex: index),
                publish: publish, settings: settings.alerts, logger: logger)
            let capacity = PlanCapacity(pool: pool, parked: parked, alerts: alerts, defaultPlan: settings.capacity.defaultPlan, logger: logger)
            let releaser = ParkedMailReleaser(
                pool: pool, parked: parked, publish: publish, alerts: alerts, defaultPlan: settings.capacity.defaultPlan,
                interval: settings.capacity.releaseInterval, logger: logger)
            let sender = MailSender(
                configuration: settings.sender, pool: pool, cipher: cipher, vault: vault, index: index, store: store, producer: producer,
                capacity: capacity, hasher: settings.hasher, logger: logger, instanceID: liveness.instanceID)
            let consumer = try sender.makeConsumer(
                configuration: KafkaConsumerConfiguration(bootstrapServers: settings.kafkaBrokers, groupID: settings.groupID),
                maximumConcurrentLanes: settings.lanes, maximumConcurrentPerTenant: settings.perTenant)
            let retention = DeliveryRetentionService(
                retention: DeliveryRetention(pool: pool, store: store), keep: settings.retention, interval: settings.purgeInterval, logger: logger)
            let capacityRetention = CapacityRetentionService(retention: CapacityRetention(pool: pool), logger: logger)
            let admin = KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: settings.kafkaBrokers), logger: logger, timeout: .seconds(5))
            let health = HealthServer(
                host: settings.healthHost, port: settings.healthPort,
                checks: [
                    ReadinessCheck(name: "postgres") { _ = try await pool.query("SELECT 1") },
                    ReadinessCheck(name: "kafka") { _ = try await admin.partitionCount(of: topics.outbound) },
                    // Not ready once the producer hit a fatal error; the process exits soon after.
                    ReadinessCheck(name: "kafka-producer") { if let error = producer.fatalError { throw error } },
                ],
                registry: registry, logger: logger)
            // Started in this order, stopped in reverse: the consumer drains (in-flight sends end
            // and are recorded), then the mail.sent events in flight are acknowledged, before the
            // producer flushes and the pool closes.
            try await ServiceRunner.run(
                [pool, liveness, producer, health, retention, capacityRetention, releaser, sender.announcer, consumer], logger: logger)
        }
    }
}
