import Encryption
import Jira
import Kafka
import Logging
import Platform
import Postgres
import Tenancy
import WebhookReceipt

/// `mailbridge-webhooks`: the only service Jira talks to. Reads its configuration from
/// `MAILBRIDGE_*` variables (see `WebhooksSettings`), then runs the Postgres pool, the Kafka
/// producer, the notification-scheme poller, the HTTP server and the health server as one
/// service group that stops gracefully on SIGTERM or SIGINT.
@main
enum WebhooksMain {
    static func main() async {
        EventLoopConcurrency.install()
        await ServiceMain.run("mailbridge-webhooks", configuration: { try WebhooksSettings.fromEnvironment() }) { settings, registry, logger in
            let pool = PostgresPool(configuration: PostgresConfiguration(connectionString: settings.postgresURL), logger: logger)
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: settings.keyEncryptionKeys, logger: logger)
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: settings.kafkaBrokers)
            producerConfiguration.linger = settings.producerLinger
            let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
            let app = WebhookReceiptApp(
                host: settings.host, port: settings.port, configuration: settings.receipt, descriptor: try settings.descriptor.json(),
                pool: pool, keys: keys, credentialKeys: settings.credentialKeys, producer: producer,
                schemeRefreshInterval: settings.schemeRefreshInterval, hasher: settings.hasher, logger: logger)
            let admin = KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: settings.kafkaBrokers), logger: logger, timeout: .seconds(5))
            let health = HealthServer(
                host: settings.healthHost, port: settings.healthPort,
                checks: [
                    ReadinessCheck(name: "postgres") { _ = try await pool.query("SELECT 1") },
                    // A metadata request: the broker answers and the events topic exists.
                    ReadinessCheck(name: "kafka") { _ = try await admin.partitionCount(of: settings.receipt.topics.events) },
                    // Not ready once the producer hit a fatal error; the process exits soon after.
                    ReadinessCheck(name: "kafka-producer") { if let error = producer.fatalError { throw error } },
                    ReadinessCheck(name: "notification-schemes") {
                        guard app.schemes.isLoaded else { throw WebhookReceiptError("notification schemes not loaded yet") }
                    },
                ],
                registry: registry, logger: logger)
            // Started in this order, stopped in reverse: the HTTP server stops before the producer flushes.
            try await ServiceRunner.run([pool, producer, app.schemes, health, app.server], logger: logger)
        }
    }
}
