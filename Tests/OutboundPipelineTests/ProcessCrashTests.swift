import Curl
import Delivery
import Encryption
import Foundation
import Kafka
import Mail
import Messaging
import Notifications
import Postgres
import Tenancy
import Testing
import TestSupport

/// The renderer and the sender as real processes, killed with SIGKILL in the middle of a load:
/// no recipient loses their mail, and a second copy reaches only a recipient whose send the
/// killed sender had in flight (the documented crash point, docs/sender.md), counted in the IMAP
/// mailbox.
@Suite("Outbound pipeline: killed processes", .serialized)
struct ProcessCrashTests {
    static let events = 60

    @Test("kill -9 of the sender and of the renderer mid-load: 0 lost; a duplicate only where a killed send was in flight")
    func killedMidLoad() async throws {
        try await CrashStack.with { stack in
            let addresses = (0..<Self.events).map { "p\($0)-\(stack.run)@crash.example.test" }
            for (number, address) in addresses.enumerated() {
                try await stack.produceCreated(number: number, participant: address)
            }
            // The renderer dies with a third rendered; the sender, started after its restart, dies
            // three times while sending (between sends or in the middle of one, wherever it is).
            try await stack.renderer.start()
            #expect(try await stack.waitForRenders(atLeast: Self.events / 3))
            try await stack.renderer.kill9()
            #expect(try await stack.renderCount() < Self.events)
            try await stack.renderer.start()
            try await stack.sender.start()
            for round in 1...3 {
                #expect(try await stack.waitFor("sent", atLeast: round * Self.events / 5))
                try await stack.sender.kill9()
                try await stack.sender.start()
            }
            #expect(try await stack.waitFor("sent", atLeast: Self.events, timeout: .seconds(180)))
            try await Task.sleep(for: .seconds(2))
            let delivered = try await stack.deliveredCounts()
            let lost = addresses.filter { delivered[$0, default: 0] == 0 }
            let duplicated = addresses.filter { delivered[$0, default: 0] > 1 }
            let inFlightAtAKill = try await stack.recipientsSentMoreThanOnce(addresses)
            #expect(lost.isEmpty, "lost: \(lost)")
            #expect(delivered.count == Self.events)
            // At the crash point (the server had the mail, the ledger not yet its 250) the recipient
            // is sent again: never more than once per kill, and only one that was being sent.
            #expect(Set(duplicated).isSubset(of: inFlightAtAKill), "duplicated: \(duplicated), in flight at a kill: \(inFlightAtAKill)")
            #expect(duplicated.count <= 3)
            #expect(addresses.allSatisfy { delivered[$0, default: 0] <= 2 })
        }
    }
}

/// The world of ``ProcessCrashTests``: a tenant on a simulator site, its scheme and SMTP
/// settings, events produced straight to `jira.events`, and the two services as processes.
struct CrashStack {
    let pool: PostgresPool
    let cipher: TenantCipher
    let tenant: TenantRecord
    let run: String
    let issue: (id: String, key: String)
    let events: String
    let brokers: String
    let producer: KafkaProducer
    let renderer: ServiceProcess
    let sender: ServiceProcess
    let mail: StackMail
    let blindIndex: BlindIndex

    static func with(_ body: (CrashStack) async throws -> Void) async throws {
        let logger = quietLogger()
        let brokers = try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS")
        let jiraURL = try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_URL")
        let postgresURL = try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL")
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: postgresURL, minimumConnections: 0, maximumConnections: 4), logger: logger)
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let site = TestEnvironment.uniqueName("crash")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("crash-\(run)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            _ = try await PostgresMigrator(pool: pool, logger: logger).migrate(migrations)
            func randomKey() -> String { Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() }
            let blindKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let kekText = "kek-\(run):\(randomKey())"
            let credentialText = "cred-\(run):\(randomKey())"
            let keys = TenantKeyStore(
                pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(configuration: kekText, activeID: "kek-\(run)"), logger: logger)
            let cipher = TenantCipher(keys: keys)
            let vault = CredentialVault(cipher: cipher, credentialKeys: try KeyEncryptionKeyRing(configuration: credentialText, activeID: "cred-\(run)"))
            let directory = TenantDirectory(pool: pool, vault: vault, keys: keys)

            // The Jira site, with our app installed, and the tenant as an install would record it.
            let clientKey = TestEnvironment.uniqueName("client")
            let secret = "crash-test-shared-secret-0123456789-abcdefgh"
            let spec: [String: Any] = [
                "name": site,
                "projects": [["key": "ACME", "name": "Acme", "issueTypes": ["Task"], "projectTypeKey": "software"]],
                "fields": [["name": "Email participants", "type": "textarea", "id": "customfield_10050"]],
                "users": [["accountId": "crash-ada", "displayName": "Ada", "emailAddress": "ada-\(run)@crash.example.test", "hideEmail": false,
                           "active": true, "accountType": "atlassian", "apiTokens": ["ada-token"]]],
                "apps": [["key": "mailbridge", "clientKey": clientKey, "sharedSecret": secret, "baseUrl": "http://127.0.0.1:9",
                          "scopes": ["READ", "WRITE"], "installed": true]],
            ]
            let created = try await TestHTTP.postJSON("\(jiraURL)/__sim/sites", spec)
            guard created.status == 201 else { throw PipelineError("creating simulator site: HTTP \(created.status) \(created.text)") }
            let install: [String: Any] = [
                "key": "mailbridge", "clientKey": clientKey, "sharedSecret": secret, "baseUrl": "\(jiraURL)/site/\(site)",
                "productType": "jira", "description": "crash test", "eventType": "installed",
            ]
            let tenant = try await directory.recordInstall(try AppLifecycleEvent(json: Array(try JSONSerialization.data(withJSONObject: install))))
            let issueFields: [String: Any] = ["fields": ["project": ["key": "ACME"], "summary": "Crash course", "issuetype": ["name": "Task"]]]
            let auth = "Basic " + Data("ada-\(run)@crash.example.test:ada-token".utf8).base64EncodedString()
            let issueAnswer = try await TestHTTP.client.execute(
                .init(
                    method: .post, url: URL(string: "\(jiraURL)/site/\(site)/rest/api/3/issue")!,
                    headers: ["Content-Type": "application/json", "Authorization": auth], body: Array(try JSONSerialization.data(withJSONObject: issueFields))))
            guard issueAnswer.status == 201, let made = try JSONSerialization.jsonObject(with: Data(issueAnswer.body)) as? [String: Any],
                let issueID = made["id"] as? String, let issueKey = made["key"] as? String
            else { throw PipelineError("creating the issue: HTTP \(issueAnswer.status) \(issueAnswer.text)") }

            try await SchemeStore(pool: pool).save(
                NotificationScheme(
                    project: "ACME", notifications: [NotificationRule(event: .created, recipients: .init(emailParticipantFields: ["customfield_10050"]))]),
                tenant: tenant.tenantID)
            let mail = try StackMail()
            try await SMTPConnectionStore(pool: pool, vault: vault).save(
                SMTPConnection(
                    tenant: tenant.tenantID, host: mail.smtpHost, port: mail.smtpPort, security: .startTLS,
                    login: .password(username: mail.user, password: Secret(mail.password)), envelopeFrom: mail.user))

            let prefix = TestEnvironment.uniqueName("crash") + "."
            let rendererTopics = RendererSettings.Topics(prefix: prefix)
            let senderTopics = DeliveryTopics(prefix: prefix)
            try await KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: logger).createTopics(
                [rendererTopics.events, rendererTopics.outbound, rendererTopics.deadLetter, senderTopics.sent, senderTopics.deadLetter]
                    .map { KafkaTopicSpecification(name: $0, partitions: 2) })
            // Not idempotent: tansu, the test broker, sometimes refuses an idempotent producer's
            // sequence under load (OUT_OF_ORDER_SEQUENCE_NUMBER); a repeated event is harmless here.
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: brokers)
            producerConfiguration.enableIdempotence = false
            let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger, flushTimeout: .seconds(2))
            let producerTask = Task { try await producer.run() }
            defer { producerTask.cancel() }

            let common: [String: String] = [
                "MAILBRIDGE_POSTGRES_URL": postgresURL, "MAILBRIDGE_KAFKA_BROKERS": brokers, "MAILBRIDGE_TOPIC_PREFIX": prefix,
                "MAILBRIDGE_KEK_KEYS": kekText, "MAILBRIDGE_KEK_ACTIVE": "kek-\(run)",
                "MAILBRIDGE_CREDENTIALS_KEY_KEYS": credentialText, "MAILBRIDGE_CREDENTIALS_KEY_ACTIVE": "cred-\(run)",
                "MAILBRIDGE_LOG_HASH_KEY": randomKey(), "MAILBRIDGE_BLIND_INDEX_KEY": Data(blindKey).base64EncodedString(),
                "MAILBRIDGE_NOTIFICATION_FROM": "jira@crash.example.test", "MAILBRIDGE_OBJECT_STORE": "directory",
                "MAILBRIDGE_OBJECT_STORE_DIR": work.appendingPathComponent("objects").path, "MAILBRIDGE_LOG_LEVEL": "notice",
            ]
            var rendererEnvironment = common
            rendererEnvironment["MAILBRIDGE_RENDERER_GROUP"] = prefix + "renderer"
            var senderEnvironment = common
            senderEnvironment["MAILBRIDGE_SENDER_GROUP"] = prefix + "sender"
            senderEnvironment["MAILBRIDGE_SMTP_CA_FILE"] = mail.caFile
            senderEnvironment["MAILBRIDGE_SENDER_RETRY_INITIAL"] = "200ms"
            senderEnvironment["MAILBRIDGE_SENDER_RETRY_MAX"] = "2s"
            let stack = CrashStack(
                pool: pool, cipher: cipher, tenant: tenant, run: run, issue: (issueID, issueKey), events: rendererTopics.events, brokers: brokers,
                producer: producer,
                renderer: ServiceProcess(
                    name: "mailbridge-renderer", environment: rendererEnvironment, healthPort: try freeLoopbackPort(),
                    log: work.appendingPathComponent("renderer.log")),
                sender: ServiceProcess(
                    name: "mailbridge-sender", environment: senderEnvironment, healthPort: try freeLoopbackPort(),
                    log: work.appendingPathComponent("sender.log")),
                mail: mail, blindIndex: try BlindIndex(key: blindKey))
            do {
                try await body(stack)
                await stack.finish(jiraURL: jiraURL, site: site, work: work)
            } catch {
                await stack.finish(jiraURL: jiraURL, site: site, work: work, keepLogs: true)
                throw error
            }
        } catch {
            await pool.close()
            throw error
        }
    }

    private func finish(jiraURL: String, site: String, work: URL, keepLogs: Bool = false) async {
        await renderer.stop()
        await sender.stop()
        await producer.shutdown()
        _ = try? await TestHTTP.client.execute(.init(method: .delete, url: URL(string: "\(jiraURL)/__sim/sites/\(site)")!))
        if !keepLogs { try? FileManager.default.removeItem(at: work) }
        await pool.close()
    }

    /// Produces a sealed `jira:issue_created` for the issue whose participants field names `participant`.
    func produceCreated(number: Int, participant: String) async throws {
        let body: [String: Any] = [
            "webhookEvent": "jira:issue_created", "timestamp": Int(Date().timeIntervalSince1970 * 1000),
            "user": ["accountId": "crash-ada", "displayName": "Ada"],
            "issue": ["id": issue.id, "key": issue.key,
                      "fields": ["summary": "Crash course \(number)", "project": ["key": "ACME", "name": "Acme"], "issuetype": ["name": "Task"],
                                 "customfield_10050": participant]],
        ]
        let sealed = try await cipher.seal(
            Array(try JSONSerialization.data(withJSONObject: body)), tenant: tenant.tenantID, purpose: RendererSettings.Topics.eventsPurpose)
        let envelope = EventEnvelope(id: "crash-\(run)-\(number)", tenant: tenant.tenantID, type: "jira:issue_created", at: Date(), sealedBody: sealed)
        _ = try await producer.send(KafkaProducerMessage(topic: events, key: Array(tenant.tenantID.utf8), value: try envelope.json()))
    }

    /// Waits until the ledger has `count` rows in `status`.
    func waitFor(_ status: String, atLeast count: Int, timeout: Duration = .seconds(90)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let rows = try await pool.query(
                "SELECT count(*) FROM outbound_deliveries WHERE tenant_id = \(tenant.tenantID) AND status = \(status)")
            if try rows[0].decode(0, as: Int.self) >= count { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Waits until the renderer audited `count` events.
    func waitForRenders(atLeast count: Int, timeout: Duration = .seconds(90)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let rows = try await pool.query("SELECT count(*) FROM notification_renders WHERE tenant_id = \(tenant.tenantID)")
            if try rows[0].decode(0, as: Int.self) >= count { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The addresses whose ledger row counts more than one SMTP attempt: a send the killed sender
    /// had started was started again.
    func recipientsSentMoreThanOnce(_ addresses: [String]) async throws -> Set<String> {
        let rows = try await pool.query(
            "SELECT recipient_index FROM outbound_deliveries WHERE tenant_id = \(tenant.tenantID) AND attempts > 1")
        let tokens = Set(try rows.map { try $0.decode(0, as: String.self) })
        return Set(addresses.filter { tokens.contains(blindIndex.token(for: $0, tenant: tenant.tenantID)) })
    }

    /// How many events the renderer audited so far.
    func renderCount() async throws -> Int {
        try await pool.query("SELECT count(*) FROM notification_renders WHERE tenant_id = \(tenant.tenantID)")[0].decode(0, as: Int.self)
    }

    /// How many mails each of this run's addresses received (by the server's `Delivered-To`).
    func deliveredCounts() async throws -> [String: Int] {
        let imap = mail.catchallIMAP
        let status = try await imap.select(mailbox: "INBOX")
        let uids = try await imap.searchUIDs(
            mailbox: "INBOX", criteria: "HEADER Delivered-To \(try IMAPClient.quoted("-\(run)@crash.example.test"))", expectedUIDValidity: status.uidValidity)
        var counts = [String: Int]()
        for uid in uids {
            let message = MailParser().parse(try await imap.fetchMessage(mailbox: "INBOX", uid: uid, expectedUIDValidity: status.uidValidity))
            guard let to = message.headers.decoded("Delivered-To")?.trimmingCharacters(in: .whitespaces) else { continue }
            counts[to, default: 0] += 1
        }
        return counts
    }
}
