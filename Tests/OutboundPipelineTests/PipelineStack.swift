import Curl
import Delivery
import Encryption
import Foundation
import Jira
import Kafka
import Logging
import Messaging
import Notifications
import ObjectStorage
import Platform
import Postgres
import ServiceLifecycle
import Tenancy
import TestSupport
import WebhookReceipt

func quietLogger() -> Logger {
    var logger = Logger(label: "pipeline-tests")
    logger.logLevel = .critical
    return logger
}

struct PipelineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The whole outbound pipeline in this process, over the local stack: the webhook service on a
/// loopback port, the renderer and the sender as tenant-lane consumers, topics of their own,
/// S3 (moto) as object store, the stack's SMTP server, and a Jira simulator site whose Connect app
/// points at the webhook service and is installed with a signed install.
struct PipelineStack {
    static let appKey = "mailbridge"
    static let sharedSecret = "pipeline-test-shared-secret-0123456789-abcdef"
    static let ada = "5b10ac8d82e05b22cc7e0001"
    static let bob = "5b10ac8d82e05b22cc7e0002"

    let pool: PostgresPool
    let cipher: TenantCipher
    let vault: CredentialVault
    let jiraURL: String
    let brokers: String
    let site: String
    let mail: StackMail
    let run: String
    let senderTopics: DeliveryTopics
    let rendererSettings: RendererSettings

    /// Unique addresses of this run (the stack's SMTP server puts them all in the catch-all).
    var adaAddress: String { "ada-\(run)@pipeline.example.test" }
    var bobAddress: String { "bob-\(run)@pipeline.example.test" }
    var doerteAddress: String { "doerte-\(run)@pipeline.example.test" }

    /// - Parameters:
    ///   - retry: the sender's SMTP retries (long enough to outlast a server restart when a test needs it).
    ///   - planCapacity: count mail against the tenant's plan (`PlanCapacity`), parking what does not
    ///     fit, with a `ParkedMailReleaser` releasing it every 300 ms once the plan allows.
    static func with<T>(
        retry: RetryPolicy = RetryPolicy(maximumAttempts: 3, initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400)),
        planCapacity: Bool = false,
        _ body: (PipelineStack, TenantRecord) async throws -> T
    ) async throws -> T {
        let logger = quietLogger()
        let brokers = try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS")
        let jiraURL = try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_URL")
        let keysDirectory = try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_INSTALL_KEYS_DIR")
        let pool = PostgresPool(
            configuration: PostgresConfiguration(
                connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"), minimumConnections: 0, maximumConnections: 8),
            logger: logger)
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            _ = try await PostgresMigrator(pool: pool, logger: logger).migrate(migrations)
            let run = String(UUID().uuidString.prefix(8)).lowercased()
            let prefix = TestEnvironment.uniqueName("pipe") + "."
            let receiptTopics = WebhookReceiptConfiguration.Topics(prefix: prefix)
            let rendererSettings = RendererSettings(
                topics: .init(prefix: prefix), defaultFrom: "jira@pipeline.example.test", messageIDDomain: "pipeline.example.test",
                origin: "mailbridge-pipeline-test", maximumAttempts: 3, initialBackoff: .milliseconds(100))
            let senderTopics = DeliveryTopics(prefix: prefix)
            try await KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: logger).createTopics(
                [
                    receiptTopics.events, receiptTopics.lifecycle, receiptTopics.feedback, rendererSettings.topics.deadLetter,
                    senderTopics.outbound, senderTopics.sent, senderTopics.deadLetter,
                ].map { KafkaTopicSpecification(name: $0, partitions: 2) })

            let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("kek"))
            let credentials = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("cred"))
            let credentialRing = try KeyEncryptionKeyRing(keys: [credentials], activeID: credentials.id)
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id), logger: logger)
            let cipher = TenantCipher(keys: keys)
            let vault = CredentialVault(cipher: cipher, credentialKeys: credentialRing)
            let directory = TenantDirectory(pool: pool, vault: vault, keys: keys)
            let hasher = PIIHasher(key: Array(repeating: 5, count: 32))
            let objects = try await S3ObjectStore.forTests(bucket: "pipeline-\(run)")

            // The webhook service.
            let port = try freeLoopbackPort()
            let baseURL = "http://127.0.0.1:\(port)"
            let receipt = WebhookReceiptConfiguration(appKey: appKey, appBaseURL: baseURL, installKeys: .directory(keysDirectory), topics: receiptTopics)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: brokers), logger: logger, flushTimeout: .seconds(2))
            let running = RunningSignal()
            let app = WebhookReceiptApp(
                host: "127.0.0.1", port: port, configuration: receipt,
                descriptor: try ConnectDescriptor(appKey: appKey, baseURL: baseURL, vendorName: "Test", vendorURL: baseURL).json(),
                pool: pool, keys: keys, credentialKeys: credentialRing, producer: producer, schemeRefreshInterval: .milliseconds(200),
                hasher: hasher, logger: logger, onServerRunning: { _ in running.raise() })

            // The renderer.
            let renderer = NotificationRenderer(
                settings: rendererSettings, cipher: cipher, schemes: SchemeCache(store: SchemeStore(pool: pool), lifetime: .zero),
                templates: TemplateStore(pool: pool),
                jira: TenantJiraClients(directory: directory, appKey: appKey, limiter: JiraRequestLimiter(), logger: logger), objects: objects,
                publisher: EventPublisher(producer: producer, cipher: cipher, deadline: .seconds(30)), audit: RenderAudit(pool: pool),
                logger: logger)
            let rendering = RenderingHandler(renderer: renderer, producer: producer, hasher: hasher, logger: logger)
            var rendererConsumer = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: prefix + "renderer")
            rendererConsumer.sessionTimeout = .seconds(6)
            let rendererLanes = try TenantLaneConsumer(
                configuration: rendererConsumer, topics: [rendererSettings.topics.events], maximumConcurrentLanes: 8, logger: logger
            ) { message in await rendering.handle(message) }

            // The sender, with plan capacity when asked.
            let mail = try StackMail()
            let blindIndex = try BlindIndex(key: Array(repeating: 9, count: 32))
            let parked = ParkedMailStore(pool: pool, cipher: cipher, blindIndex: blindIndex)
            let capacity: PlanCapacity? = planCapacity ? PlanCapacity(pool: pool, parked: parked, alerts: nil, logger: logger) : nil
            let releaser = ParkedMailReleaser(
                pool: pool, parked: parked,
                publish: EventPublisher(producer: producer, cipher: cipher, deadline: .seconds(30)).outboundPublish(topic: senderTopics.outbound),
                alerts: nil, interval: .milliseconds(300), logger: logger)
            let sender = MailSender(
                configuration: MailSenderConfiguration(
                    topics: senderTopics, retry: retry,
                    connectionCacheLifetime: .seconds(1), produceDeadline: .seconds(30), smtpTimeout: .seconds(20),
                    smtpConnectTimeout: .seconds(5), smtpCAFile: mail.caFile),
                pool: pool, cipher: cipher, vault: vault, index: blindIndex, store: objects,
                producer: producer, capacity: capacity, hasher: hasher, logger: logger)
            var senderConsumer = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: prefix + "sender")
            senderConsumer.sessionTimeout = .seconds(6)
            let senderLanes = try sender.makeConsumer(configuration: senderConsumer, maximumConcurrentLanes: 8)

            let services: [any Service] = [producer, app.schemes, app.server, rendererLanes, sender.announcer, senderLanes] + (planCapacity ? [releaser] : [])
            let group = ServiceRunner.makeGroup(services, gracefulShutdownTimeout: .seconds(10), logger: logger)
            let runTask = Task { try await group.run() }
            defer { runTask.cancel() }
            try await running.wait(timeout: .seconds(20))

            let stack = PipelineStack(
                pool: pool, cipher: cipher, vault: vault, jiraURL: jiraURL, brokers: brokers, site: TestEnvironment.uniqueName("pipe"),
                mail: mail, run: run, senderTopics: senderTopics, rendererSettings: rendererSettings)
            do {
                let tenant = try await stack.install(baseURL: baseURL, directory: directory)
                let result = try await body(stack, tenant)
                await group.triggerGracefulShutdown()
                _ = try? await runTask.value
                await stack.finish()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                _ = try? await runTask.value
                await stack.finish()
                throw error
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    private func finish() async {
        _ = try? await TestHTTP.client.execute(HTTPRequest(method: .delete, url: URL(string: "\(jiraURL)/__sim/sites/\(site)")!))
        await pool.close()
    }

    /// Creates the simulator site (project ACME, Ada and Bob with this run's addresses, the
    /// participants field) with our app subscribed to every webhook, and installs it (signed).
    private func install(baseURL: String, directory: TenantDirectory) async throws -> TenantRecord {
        func user(_ id: String, _ name: String, _ email: String) -> [String: Any] {
            ["accountId": id, "displayName": name, "emailAddress": email, "hideEmail": false, "active": true, "accountType": "atlassian",
             "apiTokens": ["\(id)-token"]]
        }
        let clientKey = TestEnvironment.uniqueName("client")
        let spec: [String: Any] = [
            "name": site,
            "projects": [["key": "ACME", "name": "Acme", "issueTypes": ["Task", "Bug"], "projectTypeKey": "software"]],
            "fields": [["name": "Email participants", "type": "textarea", "id": "customfield_10050"]],
            "users": [user(Self.ada, "Ada Lövelace", adaAddress), user(Self.bob, "Bob", bobAddress)],
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
        let created = try await TestHTTP.postJSON("\(jiraURL)/__sim/sites", spec)
        guard created.status == 201 else { throw PipelineError("creating simulator site: HTTP \(created.status) \(created.text)") }
        let answer = try await TestHTTP.postJSON("\(jiraURL)/__sim/sites/\(site)/lifecycle", ["event": "installed", "app": Self.appKey, "signedInstall": true])
        guard answer.status == 200 else { throw PipelineError("install: HTTP \(answer.status) \(answer.text)") }
        guard let tenant = try await directory.tenant(clientKey: clientKey) else { throw PipelineError("the install did not record a tenant") }
        return tenant
    }

    /// Points the tenant's mail at the stack's SMTP server (STARTTLS, password).
    func useStackSMTP(tenant: String) async throws {
        try await SMTPConnectionStore(pool: pool, vault: vault).save(
            SMTPConnection(
                tenant: tenant, host: mail.smtpHost, port: mail.smtpPort, security: .startTLS,
                login: .password(username: mail.user, password: Secret(mail.password)), envelopeFrom: mail.user))
    }

    /// Creates an ACME task as Ada, assigned to Bob; returns its key.
    func createIssue(summary: String) async throws -> String {
        let fields: [String: Any] = [
            "project": ["key": "ACME"], "summary": summary, "issuetype": ["name": "Task"], "assignee": ["accountId": Self.bob],
        ]
        let created = try await jira(.post, "/rest/api/3/issue", as: Self.ada, json: ["fields": fields])
        guard created.status == 201, let key = (try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["key"] as? String
        else { throw PipelineError("creating an issue: HTTP \(created.status) \(created.text)") }
        return key
    }

    /// Has the simulator answer the next `count` matching REST calls with `status`.
    func injectJiraFault(method: String, pathRegex: String, status: Int, count: Int, retryAfter: Int? = nil) async throws {
        var fault: [String: Any] = ["site": site, "method": method, "pathRegex": pathRegex, "count": count, "status": status]
        if let retryAfter { fault["retryAfter"] = retryAfter }
        let answer = try await TestHTTP.postJSON("\(jiraURL)/__sim/faults", fault)
        guard answer.status < 300 else { throw PipelineError("injecting a fault: HTTP \(answer.status) \(answer.text)") }
    }

    /// How many times the simulator served faults on this site.
    func jiraFaultHits() async throws -> Int {
        let answer = try await TestHTTP.client.execute(HTTPRequest(url: URL(string: "\(jiraURL)/__sim/faults?site=\(site)")!))
        let faults = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]] ?? []
        return faults.compactMap { $0["hits"] as? Int }.reduce(0, +)
    }

    /// Calls the simulator's REST API as `user` (API token).
    func jira(_ method: HTTPMethod, _ path: String, as user: String, json: Any? = nil, headers extra: [String: String] = [:], body: [UInt8]? = nil) async throws -> HTTPResponse {
        let email = user == Self.ada ? adaAddress : bobAddress
        var headers: HTTPHeaders = ["Authorization": "Basic " + Data("\(email):\(user)-token".utf8).base64EncodedString()]
        for (name, value) in extra { headers.add(name: name, value: value) }
        var payload = body
        if let json {
            headers.add(name: "Content-Type", value: "application/json")
            payload = Array(try JSONSerialization.data(withJSONObject: json))
        }
        return try await TestHTTP.client.execute(HTTPRequest(method: method, url: URL(string: "\(jiraURL)/site/\(site)\(path)")!, headers: headers, body: payload ?? []))
    }
}

extension S3ObjectStore {
    /// A bucket of its own on the stack's S3 (moto), created now.
    static func forTests(bucket: String) async throws -> S3ObjectStore {
        let configuration = S3ObjectStore.Configuration(
            endpoint: URL(string: try TestEnvironment.require("MAILBRIDGE_TEST_S3_ENDPOINT"))!,
            region: try TestEnvironment.require("MAILBRIDGE_TEST_S3_REGION"), bucket: bucket,
            credentials: SigV4Credentials(
                accessKeyID: try TestEnvironment.require("MAILBRIDGE_TEST_S3_ACCESS_KEY"),
                secretAccessKey: try TestEnvironment.require("MAILBRIDGE_TEST_S3_SECRET_KEY")))
        let store = try S3ObjectStore(configuration: configuration)
        try await store.createBucket()
        return store
    }
}



