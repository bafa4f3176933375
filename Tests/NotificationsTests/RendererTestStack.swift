import Curl
import Encryption
import Foundation
import Jira
import Kafka
import Logging
import Messaging
import Notifications
import ObjectStorage
import Postgres
import Tenancy
import TestSupport

func quietLogger() -> Logger {
    var logger = Logger(label: "notification-tests")
    logger.logLevel = .critical
    return logger
}

struct RendererTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A renderer over the local stack: Postgres (migrated), Kafka topics of its own, a local
/// directory object store, and a Jira simulator site with our app installed for one tenant.
///
/// The site has project ACME (Task, Bug), users Ada (reporter, visible email), Bob (visible),
/// Carol (hidden email), and the custom field `Email participants` (`customfield_10050`).
struct RendererTestStack {
    static let appKey = "mailbridge"
    static let sharedSecret = "renderer-test-shared-secret-0123456789-abcdef"
    static let ada = "5b10ac8d82e05b22cc7d0001"
    static let bob = "5b10ac8d82e05b22cc7d0002"
    static let carol = "5b10ac8d82e05b22cc7d0003"

    let pool: PostgresPool
    let keys: TenantKeyStore
    let cipher: TenantCipher
    let directory: TenantDirectory
    let objects: LocalDirectoryObjectStore
    let objectRoot: URL
    let producer: KafkaProducer
    let brokers: String
    let jiraURL: String
    let site: String
    let tenant: TenantRecord
    let settings: RendererSettings
    let schemes: SchemeStore
    let renderer: NotificationRenderer
    let audit: RenderAudit

    static func with<T>(_ body: (RendererTestStack) async throws -> T) async throws -> T {
        let postgresURL = try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL")
        let brokers = try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS")
        let jiraURL = try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_URL")
        let logger = quietLogger()
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: postgresURL, minimumConnections: 0, maximumConnections: 4), logger: logger)
        let objectRoot = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.uniqueName("render-objects"))
        let site = TestEnvironment.uniqueName("render")
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            _ = try await PostgresMigrator(pool: pool, logger: logger).migrate(migrations)
            let settings = RendererSettings(
                topics: .init(prefix: TestEnvironment.uniqueName("render") + "."), defaultFrom: "jira@mailbridge.test",
                messageIDDomain: "mailbridge.test", origin: "mailbridge-test", maximumAttempts: 2, initialBackoff: .milliseconds(50))
            try await KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: logger).createTopics([
                KafkaTopicSpecification(name: settings.topics.events, partitions: 1),
                KafkaTopicSpecification(name: settings.topics.outbound, partitions: 1),
                KafkaTopicSpecification(name: settings.topics.deadLetter, partitions: 1),
            ])
            let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("kek"))
            let credentials = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("cred"))
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id), logger: logger)
            let cipher = TenantCipher(keys: keys)
            let directory = TenantDirectory(
                pool: pool, vault: CredentialVault(cipher: cipher, credentialKeys: try KeyEncryptionKeyRing(keys: [credentials], activeID: credentials.id)),
                keys: keys)
            let clientKey = TestEnvironment.uniqueName("client")
            try await createSite(jiraURL: jiraURL, site: site, clientKey: clientKey)
            let install: [String: Any] = [
                "key": appKey, "clientKey": clientKey, "sharedSecret": sharedSecret, "baseUrl": "\(jiraURL)/site/\(site)",
                "displayUrl": "\(jiraURL)/site/\(site)", "productType": "jira", "description": "test", "eventType": "installed",
            ]
            let tenant = try await directory.recordInstall(try AppLifecycleEvent(json: Array(try JSONSerialization.data(withJSONObject: install))))
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: brokers)
            producerConfiguration.messageTimeout = .seconds(30)
            let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger, flushTimeout: .seconds(1))
            let objects = LocalDirectoryObjectStore(root: objectRoot)
            let schemes = SchemeStore(pool: pool)
            let audit = RenderAudit(pool: pool)
            let renderer = NotificationRenderer(
                settings: settings, cipher: cipher, schemes: SchemeCache(store: schemes, lifetime: .zero), templates: TemplateStore(pool: pool),
                jira: TenantJiraClients(directory: directory, appKey: appKey, limiter: JiraRequestLimiter(), logger: logger), objects: objects,
                publisher: EventPublisher(producer: producer, cipher: cipher, deadline: .seconds(30)), audit: audit, logger: logger)
            let stack = RendererTestStack(
                pool: pool, keys: keys, cipher: cipher, directory: directory, objects: objects, objectRoot: objectRoot, producer: producer,
                brokers: brokers, jiraURL: jiraURL, site: site, tenant: tenant, settings: settings, schemes: schemes, renderer: renderer,
                audit: audit)
            let producerTask = Task { try await producer.run() }
            defer { producerTask.cancel() }
            do {
                let result = try await body(stack)
                await stack.finish()
                return result
            } catch {
                await stack.finish()
                throw error
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    private func finish() async {
        await producer.shutdown()
        _ = try? await TestHTTP.client.execute(HTTPRequest(method: .delete, url: URL(string: "\(jiraURL)/__sim/sites/\(site)")!))
        try? FileManager.default.removeItem(at: objectRoot)
        await pool.close()
    }

    private static func createSite(jiraURL: String, site: String, clientKey: String) async throws {
        func user(_ id: String, _ name: String, _ email: String, hidden: Bool = false) -> [String: Any] {
            ["accountId": id, "displayName": name, "emailAddress": email, "hideEmail": hidden, "active": true, "accountType": "atlassian",
             "apiTokens": ["\(name.lowercased())-token"]]
        }
        let spec: [String: Any] = [
            "name": site,
            "projects": [["key": "ACME", "name": "Acme", "issueTypes": ["Task", "Bug"], "projectTypeKey": "software"]],
            "fields": [["name": "Email participants", "type": "textarea", "id": "customfield_10050"]],
            "users": [user(ada, "Ada", "ada@acme.test"), user(bob, "Bob", "bob@acme.test"), user(carol, "Carol", "carol@acme.test", hidden: true)],
            "apps": [[
                "key": appKey, "clientKey": clientKey, "sharedSecret": sharedSecret, "baseUrl": "http://127.0.0.1:9",
                "scopes": ["READ", "WRITE"], "installed": true,
            ]],
            "options": ["webhookRetries": 0],
        ]
        let answer = try await TestHTTP.postJSON("\(jiraURL)/__sim/sites", spec)
        guard answer.status == 201 else { throw RendererTestError("creating simulator site: HTTP \(answer.status) \(answer.text)") }
    }

    // MARK: Jira through the simulator

    /// Creates an issue as Ada (REST v3, API token) and returns its key.
    func createIssue(summary: String, type: String = "Task", assignee: String? = nil, participants: String? = nil) async throws -> String {
        var fields: [String: Any] = ["project": ["key": "ACME"], "summary": summary, "issuetype": ["name": type]]
        if let assignee { fields["assignee"] = ["accountId": assignee] }
        if let participants {
            fields["customfield_10050"] = ["type": "doc", "version": 1, "content": [["type": "paragraph", "content": [["type": "text", "text": participants]]]]]
        }
        let answer = try await TestHTTP.postJSON("\(jiraURL)/site/\(site)/rest/api/3/issue", ["fields": fields], headers: ["Authorization": adaAuthorization])
        guard answer.status == 201, let object = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
            let key = object["key"] as? String
        else { throw RendererTestError("creating an issue: HTTP \(answer.status) \(answer.text)") }
        return key
    }

    /// Adds an attachment to `issue` as Ada.
    func attach(_ filename: String, bytes: [UInt8], to issue: String) async throws {
        let client = JiraClient(
            site: JiraSite(baseURL: "\(jiraURL)/site/\(site)", authentication: .apiToken(email: "ada@acme.test", token: "ada-token")),
            limiter: JiraRequestLimiter(), logger: quietLogger())
        _ = try await client.addAttachment(issue: issue, filename: filename, contentType: "text/plain", bytes: bytes)
    }

    var adaAuthorization: String { "Basic " + Data("ada@acme.test:ada-token".utf8).base64EncodedString() }

    /// The webhook body the simulator builds for `event` on `issue` (its delivery goes nowhere).
    func webhookBody(_ event: String, issue: String, user: String = ada, extra: [String: Any] = [:]) async throws -> [UInt8] {
        var spec: [String: Any] = ["event": event, "issue": issue, "user": user, "url": "http://127.0.0.1:9/nowhere", "app": Self.appKey]
        spec.merge(extra) { _, new in new }
        let answer = try await TestHTTP.postJSON("\(jiraURL)/__sim/sites/\(site)/webhooks", spec)
        guard answer.status == 200, let records = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]],
            let payload = records.first?["payload"]
        else { throw RendererTestError("simulator webhook: HTTP \(answer.status) \(answer.text)") }
        return Array(try JSONSerialization.data(withJSONObject: payload))
    }

    /// `body` sealed for the tenant in a `jira.events` envelope.
    func envelope(_ body: [UInt8], type: String, id: String = UUID().uuidString) async throws -> EventEnvelope {
        let sealed = try await cipher.seal(body, tenant: tenant.tenantID, purpose: RendererSettings.Topics.eventsPurpose)
        return EventEnvelope(id: id, tenant: tenant.tenantID, type: type, at: Date(), sealedBody: sealed)
    }

    /// The stored mail of a request, opened.
    func storedMail(_ request: OutboundMailRequest) async throws -> [UInt8] {
        let sealed = try await objects.get(key: request.objectKey)
        return try await cipher.open(sealed, tenant: tenant.tenantID, purpose: OutboundMailRequest.objectPurpose)
    }

    /// Contract violations the simulator recorded for this site.
    func violations() async throws -> [[String: Any]] {
        let answer = try await TestHTTP.client.execute(HTTPRequest(url: URL(string: "\(jiraURL)/__sim/violations?site=\(site)")!))
        return (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]]) ?? []
    }
}



