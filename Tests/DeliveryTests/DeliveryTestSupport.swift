import Curl
import Foundation
import Kafka
import Logging
import Messaging
import ObjectStorage
import Platform
import Postgres
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

@testable import Delivery
@testable import Encryption

/// A quiet logger for tests.
func testLogger() -> Logger {
    var logger = Logger(label: "delivery-tests")
    logger.logLevel = .warning
    return logger
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// One test's world: a migrated database, a tenant of its own (with keys), a local object store,
/// topics of its own, and a `MailSender` over them.
struct SenderFixture: Sendable {
    let pool: PostgresPool
    let cipher: TenantCipher
    let vault: CredentialVault
    let index: BlindIndex
    let hasher: PIIHasher
    let store: LocalDirectoryObjectStore
    let topics: DeliveryTopics
    let brokers: String
    let tenant: String
    let producer: KafkaProducer
    let logger: Logger

    /// Runs `body` with a fresh fixture; closes everything afterwards, also when `body` throws.
    static func with<T: Sendable>(_ body: (SenderFixture) async throws -> T) async throws -> T {
        let logger = testLogger()
        let brokers = try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS")
        let pool = PostgresPool(
            configuration: PostgresConfiguration(
                connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"), minimumConnections: 0, maximumConnections: 4),
            logger: logger)
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            try await PostgresMigrator(pool: pool, logger: logger).migrate(migrations)
            let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("kek"))
            let credentials = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("cred"))
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id), logger: logger)
            let cipher = TenantCipher(keys: keys)
            let vault = CredentialVault(cipher: cipher, credentialKeys: try KeyEncryptionKeyRing(keys: [credentials], activeID: credentials.id))
            let tenant = TestEnvironment.uniqueName("tenant")
            try await pool.query(
                """
                INSERT INTO tenants (tenant_id, client_key, base_url, product_type, sealed_shared_secret, state)
                VALUES (\(tenant), \(tenant), 'https://delivery-tests.example.test', 'jira', '\\x00'::bytea, 'installed')
                """)
            let prefix = TestEnvironment.uniqueName("dt") + "."
            let topics = DeliveryTopics(prefix: prefix)
            try await KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: logger).createTopics([
                KafkaTopicSpecification(name: topics.outbound, partitions: 1),
                KafkaTopicSpecification(name: topics.sent, partitions: 1),
                KafkaTopicSpecification(name: topics.deadLetter, partitions: 1),
            ])
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: brokers), logger: logger, flushTimeout: .seconds(2))
            let fixture = SenderFixture(
                pool: pool, cipher: cipher, vault: vault, index: try BlindIndex(key: Array(repeating: 3, count: 32)),
                hasher: PIIHasher(key: Array(repeating: 7, count: 32)), store: LocalDirectoryObjectStore(root: root), topics: topics,
                brokers: brokers, tenant: tenant, producer: producer, logger: logger)
            do {
                let result = try await body(fixture)
                await fixture.cleanUp(root)
                return result
            } catch {
                await fixture.cleanUp(root)
                throw error
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    private func cleanUp(_ root: URL) async {
        _ = try? await pool.query("DELETE FROM tenants WHERE tenant_id = \(tenant)")
        _ = try? await pool.query("DELETE FROM outbound_deliveries WHERE tenant_id = \(tenant)")
        _ = try? await pool.query("DELETE FROM outbound_history WHERE tenant_id = \(tenant)")
        try? FileManager.default.removeItem(at: root)
        await producer.shutdown()
        await pool.close()
    }

    // MARK: The sender

    func makeSender(
        retry: RetryPolicy = RetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400)),
        capacity: (any CapacityGate)? = nil, tokens: OAuthTokenSource = OAuthTokenSource(), caFile: String? = nil
    ) -> MailSender {
        MailSender(
            configuration: MailSenderConfiguration(
                topics: topics, retry: retry, connectionCacheLifetime: .milliseconds(200), produceDeadline: .seconds(10),
                smtpTimeout: .seconds(20), smtpConnectTimeout: .seconds(5), smtpCAFile: caFile),
            pool: pool, cipher: cipher, vault: vault, index: index, store: store, producer: producer, capacity: capacity, tokens: tokens,
            hasher: hasher, logger: logger)
    }

    /// Runs `sender`'s consumer on the outbound topic while `body` runs, then stops it gracefully.
    func running<T: Sendable>(_ sender: MailSender, perTenant: Int = 1, _ body: () async throws -> T) async throws -> T {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: TestEnvironment.uniqueName("sender"))
        configuration.sessionTimeout = .seconds(6)
        configuration.maximumPollInterval = .seconds(15)
        let consumer = try sender.makeConsumer(
            configuration: configuration, maximumConcurrentLanes: 4, maximumConcurrentPerTenant: perTenant, drainTimeout: .seconds(5))
        let group = ServiceRunner.makeGroup([sender.announcer, consumer], gracefulShutdownTimeout: .seconds(10), logger: logger)
        let task = Task { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
    }

    // MARK: Requests

    /// A plain-text mail with a unique Message-ID and subject, sealed into the object store, and
    /// its request for `recipients`.
    func makeRequest(recipients: [String], label: String, envelopeFrom: String = "mailbridge@example.test") async throws -> (
        request: OutboundMailRequest, mail: [UInt8]
    ) {
        let unique = UUID().uuidString.lowercased()
        let subject = "delivery-tests \(label) \(unique)"
        let messageID = "\(unique)@delivery-tests.mailbridge.test"
        let text = [
            "From: Mailbridge <mailbridge@example.test>",
            "To: \(recipients.joined(separator: ", "))",
            "Subject: \(subject)",
            "Message-ID: <\(messageID)>",
            "Date: Sun, 29 Nov 2026 08:00:00 +0000",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Issue ACME-1 was updated (\(label)).",
            ".a line that starts with a dot",
            "Grüße",
            "",
        ].joined(separator: "\r\n")
        let mail = Array(text.utf8)
        let key = "sent/\(tenant)/\(Self.dayPath(Date()))/\(unique).eml"
        try await store.put(key: key, bytes: try await cipher.seal(mail, tenant: tenant, purpose: OutboundMailRequest.objectPurpose))
        let request = OutboundMailRequest(
            tenant: tenant, requestID: "evt-\(unique)", kind: .notification, objectKey: key, messageID: messageID,
            envelopeFrom: envelopeFrom, recipients: recipients, subject: subject, byteCount: mail.count, issueKey: "ACME-1")
        return (request, mail)
    }

    static func dayPath(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d/%02d/%02d", parts.year!, parts.month!, parts.day!)
    }

    /// Produces `request` to the outbound topic as the renderer does; returns the envelope.
    @discardableResult
    func produce(_ request: OutboundMailRequest) async throws -> EventEnvelope {
        try await EventPublisher(producer: producer, cipher: cipher, deadline: .seconds(10)).publish(
            topic: topics.outbound, purpose: DeliveryTopics.outboundPurpose, tenant: request.tenant, type: "mail.outbound",
            id: request.requestID, body: try TopicRecordCoding.encode(request))
    }

    /// Produces raw bytes to the outbound topic keyed by the tenant.
    func produceRaw(_ value: [UInt8]) async throws {
        _ = try await producer.send(KafkaProducerMessage(topic: topics.outbound, key: Array(tenant.utf8), value: value))
    }

    // MARK: Reading back

    func ledgerRows(_ request: OutboundMailRequest) async throws -> [String: DeliveryLedger.Status] {
        try await DeliveryLedger(pool: pool).statuses(
            tenant: tenant, requestID: request.requestID, recipients: request.recipients.map { index.token(for: $0, tenant: tenant) })
    }

    func status(_ request: OutboundMailRequest, _ recipient: String) async throws -> DeliveryLedger.Status? {
        try await ledgerRows(request)[index.token(for: recipient, tenant: tenant)]
    }

    func history(_ request: OutboundMailRequest) async throws -> [OutboundHistory.Entry] {
        try await OutboundHistory(pool: pool, cipher: cipher).entries(tenant: tenant, requestID: request.requestID)
    }

    /// The records on `topic`, read from the start by a group of its own, until `count` arrived
    /// (or `timeout` passed).
    func records(on topic: String, count: Int, timeout: Duration = .seconds(30)) async throws -> [KafkaConsumerMessage] {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: TestEnvironment.uniqueName("reader"))
        configuration.sessionTimeout = .seconds(6)
        configuration.maximumPollInterval = .seconds(15)
        let consumer = try KafkaConsumer(configuration: configuration, topics: [topic], logger: logger) { _ in [:] }
        let collected = Mutex<[KafkaConsumerMessage]>([])
        let reader = Task {
            for await message in consumer.messages {
                let total = collected.withLock { $0.append(message); return $0.count }
                if total >= count { break }
            }
        }
        _ = await eventually(timeout: timeout) { collected.withLock { $0.count } >= count }
        reader.cancel()
        await consumer.close()
        return collected.withLock { $0 }
    }

    /// The dead letters on the DLQ topic, once `count` arrived.
    func deadLetters(count: Int, timeout: Duration = .seconds(30)) async throws -> [DeadLetter] {
        try await records(on: topics.deadLetter, count: count, timeout: timeout).map { try DeadLetter(json: $0.value) }
    }
}

extension StackMail {
    /// The tenant's connection to the stack's SMTP server with a password.
    func passwordConnection(tenant: String) -> SMTPConnection {
        SMTPConnection(
            tenant: tenant, host: smtpHost, port: smtpPort, security: .startTLS,
            login: .password(username: user, password: Secret(password)), envelopeFrom: user)
    }
}

/// A recipient address no other test uses; unknown to the stack, so it lands in the catch-all.
func uniqueRecipient(_ label: String) -> String {
    "\(label)-\(UUID().uuidString.prefix(8).lowercased())@delivery-tests.example.test"
}
