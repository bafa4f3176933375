import Curl
import Encryption
import Foundation
import Jira
import Kafka
import Logging
import Messaging
import Platform
import Postgres
import ServiceLifecycle
import Synchronization
import Tenancy
import TestSupport

@testable import WebhookReceipt

/// A quiet logger for tests.
func testLogger() -> Logger {
    var logger = Logger(label: "webhook-tests")
    logger.logLevel = .critical
    return logger
}

let http = TestHTTP.client

/// The service running in process on a free loopback port, over the local stack's Postgres and
/// Kafka (topics of its own), with a Jira simulator site whose Connect app points at it.
struct WebhookStack {
    static let appKey = "mailbridge"
    static let sharedSecret = "test-shared-secret-0123456789-abcdefghijkl"

    let pool: PostgresPool
    let keys: TenantKeyStore
    let directory: TenantDirectory
    let app: WebhookReceiptApp
    let configuration: WebhookReceiptConfiguration
    let baseURL: String
    let brokers: String
    let jiraURL: String
    var site: String
    /// Every simulator site of this stack starts with it (deleted at the end).
    let sitePrefix: String
    var clientKey: String

    var cipher: TenantCipher { TenantCipher(keys: keys) }

    /// Runs `body` with a started stack and stops it afterwards.
    /// - Parameters:
    ///   - brokers: another broker for the producer (one that is not there, or a private one).
    ///   - topicsOnOverride: create the topics on (and read them from) that other broker.
    static func with<T>(
        brokers brokerOverride: String? = nil, topicsOnOverride: Bool = false, produceDeadline: Duration = .seconds(10), schemeRefresh: Duration = .milliseconds(200),
        _ body: (WebhookStack) async throws -> T
    ) async throws -> T {
        let postgresURL = try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL")
        let sharedBrokers = try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS")
        let brokers = topicsOnOverride ? (brokerOverride ?? sharedBrokers) : sharedBrokers
        let jiraURL = try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_URL")
        let keysDirectory = try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_INSTALL_KEYS_DIR")
        let logger = testLogger()
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: postgresURL, minimumConnections: 0, maximumConnections: 4), logger: logger)
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            _ = try await survivingRestarts { try await PostgresMigrator(pool: pool, logger: logger).migrate(migrations) }
            let prefix = TestEnvironment.uniqueName("wh") + "."
            let topics = WebhookReceiptConfiguration.Topics(prefix: prefix)
            try await KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: logger).createTopics([
                KafkaTopicSpecification(name: topics.events, partitions: 1),
                KafkaTopicSpecification(name: topics.lifecycle, partitions: 1),
                KafkaTopicSpecification(name: topics.feedback, partitions: 1),
            ])
            let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("kek"))
            let credentials = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("cred"))
            let credentialRing = try KeyEncryptionKeyRing(keys: [credentials], activeID: credentials.id)
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id), logger: logger)
            let port = try freeLoopbackPort()
            let baseURL = "http://127.0.0.1:\(port)"
            var configuration = WebhookReceiptConfiguration(
                appKey: appKey, appBaseURL: baseURL, installKeys: .directory(keysDirectory), topics: topics)
            configuration.produceDeadline = produceDeadline
            configuration.maximumBodyBytes = 64 * 1024
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: brokerOverride ?? brokers)
            producerConfiguration.messageTimeout = .seconds(30)
            let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger, flushTimeout: .seconds(1))
            let running = RunningSignal()
            let app = WebhookReceiptApp(
                host: "127.0.0.1", port: port, configuration: configuration,
                descriptor: try ConnectDescriptor(appKey: appKey, baseURL: baseURL, vendorName: "Test", vendorURL: baseURL).json(),
                pool: pool, keys: keys, credentialKeys: credentialRing, producer: producer, schemeRefreshInterval: schemeRefresh,
                hasher: PIIHasher(key: Array(repeating: 7, count: 32)), logger: logger, onServerRunning: { _ in running.raise() })
            let group = ServiceRunner.makeGroup([producer, app.schemes, app.server], gracefulShutdownTimeout: .seconds(5), logger: logger)
            let runTask = Task { try await group.run() }
            defer { runTask.cancel() }
            try await running.wait(timeout: .seconds(20))
            let site = TestEnvironment.uniqueName("wh")
            let clientKey = TestEnvironment.uniqueName("client")
            let stack = WebhookStack(
                pool: pool, keys: keys,
                directory: TenantDirectory(pool: pool, vault: CredentialVault(cipher: TenantCipher(keys: keys), credentialKeys: credentialRing), keys: keys),
                app: app, configuration: configuration, baseURL: baseURL, brokers: brokers, jiraURL: jiraURL, site: site, sitePrefix: site,
                clientKey: clientKey)
            try await stack.createSite()
            do {
                let result = try await body(stack)
                await group.triggerGracefulShutdown()
                _ = try? await runTask.value
                await stack.deleteSites()
                await pool.close()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                _ = try? await runTask.value
                await stack.deleteSites()
                throw error
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    // MARK: The simulator

    /// The same service with another simulator site and client key: a second tenant.
    func anotherTenant() async throws -> WebhookStack {
        var other = self
        other.site = TestEnvironment.uniqueName(sitePrefix)
        other.clientKey = TestEnvironment.uniqueName("client")
        try await other.createSite()
        return other
    }

    /// Drops the simulator sites this stack made (names start with the site's prefix).
    func deleteSites() async {
        guard let answer = try? await http.execute(HTTPRequest(url: URL(string: "\(jiraURL)/__sim/sites")!)),
            let sites = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [[String: Any]]
        else { return }
        for name in sites.compactMap({ $0["name"] as? String }) where name.hasPrefix(sitePrefix) {
            _ = try? await http.execute(HTTPRequest(method: .delete, url: URL(string: "\(jiraURL)/__sim/sites/\(name)")!))
        }
    }

    /// A site with project ACME, issue ACME-1 and our app, not yet installed.
    func createSite() async throws {
        let spec: [String: Any] = [
            "name": site,
            "projects": [["key": "ACME", "name": "Acme", "issueTypes": ["Task"], "projectTypeKey": "software"]],
            "users": [[
                "accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Ada", "emailAddress": "ada@example.test", "hideEmail": false,
                "active": true, "accountType": "atlassian", "apiTokens": ["ada-token"],
            ]],
            "apps": [[
                "key": Self.appKey, "clientKey": clientKey, "sharedSecret": Self.sharedSecret, "baseUrl": baseURL,
                "scopes": ["READ", "WRITE"], "installed": false,
                "lifecycle": [
                    "installed": ConnectDescriptor.Path.installed, "uninstalled": ConnectDescriptor.Path.uninstalled,
                    "enabled": ConnectDescriptor.Path.enabled, "disabled": ConnectDescriptor.Path.disabled,
                ],
                "webhooks": ConnectDescriptor.webhookEvents.map { ["event": $0, "url": ConnectDescriptor.Path.webhooks] },
            ]],
        ]
        let created = try await post("\(jiraURL)/__sim/sites", json: spec)
        guard created.status == 201 else { throw StackError("creating simulator site: HTTP \(created.status) \(created.text)") }
        let issue: [String: Any] = ["fields": ["project": ["key": "ACME"], "summary": "Printer on fire", "issuetype": ["name": "Task"]]]
        let auth = "Basic " + Data("ada@example.test:ada-token".utf8).base64EncodedString()
        let made = try await post("\(jiraURL)/site/\(site)/rest/api/3/issue", json: issue, headers: ["Authorization": auth])
        guard made.status == 201 else { throw StackError("creating ACME-1: HTTP \(made.status) \(made.text)") }
    }

    /// Has the simulator send a lifecycle callback; returns the status our service answered.
    @discardableResult
    /// - Parameter retryingUnavailable: send again on 503, as Jira would (tests that expect a 503 say false).
    func lifecycle(_ event: String, signedInstall: Bool = true, retryingUnavailable: Bool = true) async throws -> Int {
        try await Self.retrying(retryingUnavailable) {
            let answer = try await post(
                "\(jiraURL)/__sim/sites/\(site)/lifecycle", json: ["event": event, "app": Self.appKey, "signedInstall": signedInstall])
            return try Self.deliveryStatus(answer)
        }
    }

    /// Runs `send` again while it answers 503 (up to 30 s), as Jira retries: another test restarts
    /// the shared PostgreSQL now and then, and the service rightly answers 503 meanwhile.
    static func retrying(_ enabled: Bool, _ send: () async throws -> Int) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let status = try await send()
            guard enabled, status == 503, ContinuousClock.now < deadline else { return status }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// Has the simulator send a webhook for ACME-1; returns our status and the delivery identifier.
    /// Sent again while the service answers 503 (after the simulator's own retries), up to 30 s.
    func simulatorWebhook(_ event: String) async throws -> (status: Int, identifier: String) {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let answer = try await post("\(jiraURL)/__sim/sites/\(site)/webhooks", json: ["event": event, "issue": "ACME-1"])
            guard answer.status == 200, let records = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]],
                let record = records.first, let status = record["status"] as? Int, let identifier = record["identifier"] as? String
            else { throw StackError("simulator webhook: HTTP \(answer.status) \(answer.text)") }
            if status != 503 || ContinuousClock.now >= deadline { return (status, identifier) }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    static func deliveryStatus(_ answer: HTTPResponse) throws -> Int {
        guard answer.status == 200, let record = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
            let status = record["status"] as? Int
        else { throw StackError("simulator delivery: HTTP \(answer.status) \(answer.text)") }
        return status
    }

    // MARK: Direct calls, signed independently

    /// A Connect HS256 token for `POST path` as Jira would sign it.
    func token(
        path: String = ConnectDescriptor.Path.webhooks, secret: String = WebhookStack.sharedSecret, issuer: String? = nil,
        issuedAt: Date = Date(), lifetime: Int64 = 180, qsh: String? = nil, subject: String? = nil
    ) throws -> String {
        let iat = Int64(issuedAt.timeIntervalSince1970)
        let claims = JWTClaims(
            iss: issuer ?? clientKey, sub: subject, iat: iat, exp: iat + lifetime,
            qsh: qsh ?? CanonicalRequest(method: "POST", target: path).queryStringHash)
        return try JSONWebToken.signedHS256(claims: claims, secret: Array(secret.utf8))
    }

    /// Posts `body` to our service at `path`; sends again while it answers 503 (see `retrying`).
    func call(
        _ path: String = ConnectDescriptor.Path.webhooks, body: [UInt8], token: String?, identifier: String? = nil,
        retryingUnavailable: Bool = true
    ) async throws -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token { headers.add(name: "Authorization", value: "JWT \(token)") }
        if let identifier { headers.add(name: "X-Atlassian-Webhook-Identifier", value: identifier) }
        let request = HTTPRequest(method: .post, url: URL(string: baseURL + path)!, headers: headers, body: body)
        var response: HTTPResponse?
        _ = try await Self.retrying(retryingUnavailable) {
            let answer = try await http.execute(request)
            response = answer
            return answer.status
        }
        guard let response else { throw StackError("no answer from \(path)") }
        return response
    }

    /// A webhook body for ACME-1.
    static func webhookBody(_ event: String = "jira:issue_created", project: String = "ACME", marker: String = UUID().uuidString) -> [UInt8] {
        let object: [String: Any] = [
            "timestamp": 1_700_000_000_000, "webhookEvent": event, "marker": marker,
            "issue": ["key": "\(project)-1", "fields": ["project": ["key": project], "summary": "Printer on fire"]],
        ]
        return Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    // MARK: The database

    /// Our tenant for the simulator site (after `installed`).
    func tenant() async throws -> TenantRecord {
        guard let record = try await storedTenant() else { throw StackError("tenant \(clientKey) not recorded") }
        return record
    }

    /// Our tenant for the simulator site, if recorded.
    func storedTenant() async throws -> TenantRecord? {
        try await survivingRestarts { try await directory.tenant(clientKey: clientKey) }
    }

    /// The stored shared secret of `tenant`.
    func sharedSecret(of tenant: TenantRecord) async throws -> String {
        try await survivingRestarts { try await directory.sharedSecret(of: tenant).revealed }
    }

    /// A statement on the test database.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await survivingRestarts { try await pool.query(query) }
    }

    /// Enables (or disables) a notification for (tenant, project, event) and reloads the cache.
    func setScheme(tenant: String, project: String = "ACME", event: String = "jira:issue_created", enabled: Bool = true) async throws {
        try await query(
            """
            INSERT INTO notification_schemes (tenant_id, project_key, event, enabled) VALUES (\(tenant), \(project), \(event), \(enabled))
            ON CONFLICT (tenant_id, project_key, event) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()
            """)
        try await survivingRestarts { try await app.schemes.refresh() }
    }

    // MARK: The topics

    /// Reads `count` records of `topic` from the start (fails after `timeout`).
    func records(_ topic: String, count: Int, timeout: Duration = .seconds(30)) async throws -> [KafkaConsumerMessage] {
        try await TopicReader.records(brokers: brokers, topic: topic, count: count, timeout: timeout)
    }

    /// Opens an envelope's body.
    func open(_ envelope: EventEnvelope, purpose: String) async throws -> [UInt8] {
        try await cipher.open(try envelope.sealedBody(), tenant: envelope.tenant, purpose: purpose)
    }
}

/// Runs `body` again while it fails because the database connection was lost (another test
/// restarts the shared PostgreSQL now and then), for up to 30 s.
func survivingRestarts<T>(_ body: () async throws -> T) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(30)
    while true {
        do {
            return try await body()
        } catch let error as PostgresError where error.kind == .connection && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}

struct StackError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}


/// Posts JSON.
func post(_ url: String, json: Any, headers extra: [String: String] = [:]) async throws -> HTTPResponse {
    try await TestHTTP.postJSON(url, json, headers: extra)
}
