import Encryption
import Foundation
import Kafka
import Logging
import Mail
import Messaging
import ObjectStorage
import Postgres
import Synchronization
import TestSupport

@testable import Delivery

/// Plan capacity over the stack's Postgres, with a tenant of its own (deleted afterwards, which
/// cascades to every capacity row), a fresh key ring and blind-index key, and a recorder in place
/// of the `mail.outbound` producer.
struct CapacityFixture: Sendable {
    let pool: PostgresPool
    let cipher: TenantCipher
    let blindIndex: BlindIndex
    let tenant: String
    let published: PublishRecorder
    let logger: Logger

    var plans: PlanDirectory { PlanDirectory(pool: pool) }
    var parked: ParkedMailStore { ParkedMailStore(pool: pool, cipher: cipher, blindIndex: blindIndex) }
    var contacts: CapacityContacts { CapacityContacts(pool: pool, cipher: cipher, blindIndex: blindIndex) }

    static let alertFrom = MailAddress(displayName: "Mailbridge", address: "noreply@mailbridge.example.test")

    /// Runs `body` with a fresh fixture; removes the tenant and closes the pool afterwards.
    static func with<T: Sendable>(maximumConnections: Int = 8, _ body: (CapacityFixture) async throws -> T) async throws -> T {
        var logger = Logger(label: "capacity-tests")
        logger.logLevel = .critical
        let pool = PostgresPool(
            configuration: PostgresConfiguration(
                connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"), minimumConnections: 0,
                maximumConnections: maximumConnections),
            logger: logger)
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            try await PostgresMigrator(pool: pool, logger: logger).migrate(migrations)
            let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("kek"))
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id), logger: logger)
            let tenant = try await insertTenant(pool)
            let fixture = CapacityFixture(
                pool: pool, cipher: TenantCipher(keys: keys), blindIndex: try BlindIndex(key: (0..<32).map { _ in UInt8.random(in: 0...255) }),
                tenant: tenant, published: PublishRecorder(), logger: logger)
            do {
                let value = try await body(fixture)
                try await pool.query("DELETE FROM tenants WHERE tenant_id = \(tenant)")
                await pool.close()
                return value
            } catch {
                _ = try? await pool.query("DELETE FROM tenants WHERE tenant_id = \(tenant)")
                throw error
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    /// A `tenants` row for a new tenant id.
    static func insertTenant(_ pool: PostgresPool) async throws -> String {
        let tenant = TestEnvironment.uniqueName("cap")
        try await pool.query(
            """
            INSERT INTO tenants (tenant_id, client_key, base_url, product_type, sealed_shared_secret, state)
            VALUES (\(tenant), \(tenant), 'https://capacity-tests.example.test', 'jira', '\\x00'::bytea, 'installed')
            """)
        return tenant
    }

    func setPlan(messages: Int?, bytes: Int?, thresholds: [Int] = [80]) async throws {
        try await plans.setPlan(CapacityPlan(messagesPerMonth: messages, bytesPerMonth: bytes, alertThresholds: thresholds), tenant: tenant)
    }

    func alertMailer(store: any ObjectStore, publish: OutboundPublish? = nil) -> UsageAlertMailer {
        UsageAlertMailer(
            pool: pool, cipher: cipher, store: store, contacts: contacts, publish: publish ?? published.publish,
            settings: .init(from: Self.alertFrom, builder: MailBuilder(messageIDDomain: "mailbridge.example.test", origin: "capacity-tests")),
            logger: logger)
    }

    func gate(
        alerts: UsageAlertMailer? = nil, defaultPlan: CapacityPlan = .unlimited, now: @escaping @Sendable () -> Date = { Date() }
    ) -> PlanCapacity {
        PlanCapacity(pool: pool, parked: parked, alerts: alerts, defaultPlan: defaultPlan, now: now, logger: logger)
    }

    func releaser(publish: OutboundPublish? = nil, defaultPlan: CapacityPlan = .unlimited) -> ParkedMailReleaser {
        ParkedMailReleaser(
            pool: pool, parked: parked, publish: publish ?? published.publish, alerts: nil, defaultPlan: defaultPlan,
            interval: .milliseconds(100), logger: logger)
    }

    /// A request of this tenant for `recipients`, `byteCount` bytes each.
    func request(_ id: String, recipients: [String], byteCount: Int = 100) -> OutboundMailRequest {
        OutboundMailRequest(
            tenant: tenant, requestID: id, kind: .notification, objectKey: "sent/\(tenant)/2026/11/29/\(id).eml",
            messageID: "\(id)@mailbridge.example.test", envelopeFrom: "jira@mailbridge.example.test", recipients: recipients,
            subject: "[ACME-1] Printer on fire", byteCount: byteCount, issueKey: "ACME-1")
    }

    func usage(month: String = UsageMonth.of(Date())) async throws -> PlanDirectory.Usage {
        try await plans.usage(tenant: tenant, month: month)
    }

    /// The `usage_alerts_sent` rows of this tenant: "metric:threshold:published?".
    func alertRows() async throws -> [String] {
        try await pool.query(
            """
            SELECT metric || ':' || threshold || ':' || (published_at IS NOT NULL)::text FROM usage_alerts_sent
            WHERE tenant_id = \(tenant) ORDER BY metric, threshold
            """
        ).map { try $0.decode(0, as: String.self) }
    }
}

/// Stands in for the `mail.outbound` producer: records what was published, or fails on demand.
final class PublishRecorder: Sendable {
    private let state = Mutex<(requests: [OutboundMailRequest], failing: Bool)>(([], false))

    var requests: [OutboundMailRequest] { state.withLock { $0.requests } }

    /// Makes the next publications fail (true) or succeed again (false).
    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    var publish: OutboundPublish {
        { request in
            try self.state.withLock { state in
                if state.failing { throw DeliveryError("test broker refuses the record") }
                state.requests.append(request)
            }
        }
    }
}

/// The stack's moto S3 with a bucket of its own for `body`, emptied and removed afterwards.
func withCapacityS3Store<T: Sendable>(_ body: (S3ObjectStore) async throws -> T) async throws -> T {
    guard let endpoint = URL(string: try TestEnvironment.require("MAILBRIDGE_TEST_S3_ENDPOINT")) else {
        throw DeliveryError("MAILBRIDGE_TEST_S3_ENDPOINT is not a URL")
    }
    let store = try S3ObjectStore(
        configuration: S3ObjectStore.Configuration(
            endpoint: endpoint, region: try TestEnvironment.require("MAILBRIDGE_TEST_S3_REGION"), bucket: TestEnvironment.uniqueName("capacity"),
            credentials: SigV4Credentials(
                accessKeyID: try TestEnvironment.require("MAILBRIDGE_TEST_S3_ACCESS_KEY"),
                secretAccessKey: try TestEnvironment.require("MAILBRIDGE_TEST_S3_SECRET_KEY"))))
    try await store.createBucket()
    do {
        let value = try await body(store)
        _ = try await store.deleteAll(prefix: "")
        try await store.deleteBucket()
        return value
    } catch {
        _ = try? await store.deleteAll(prefix: "")
        try? await store.deleteBucket()
        throw error
    }
}

/// Reads `count` records of `topic` from its start on the stack's broker (fails after `timeout`).
func capacityReadRecords(_ topic: String, count: Int, timeout: Duration = .seconds(30)) async throws -> [KafkaConsumerMessage] {
    try await TopicReader.records(
        brokers: try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS"), topic: topic, count: count, timeout: timeout)
}

/// A fixed instant in UTC, e.g. `utcDate("2026-11-30T23:59:59Z")`.
func utcDate(_ text: String) throws -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { throw DeliveryError("not an ISO 8601 instant: \(text)") }
    return date
}
