import Foundation
import Kafka
import Messaging
import Tenancy
import Testing

@testable import WebhookReceipt

extension WebhookReceiptSerialSuites {
    /// The service in process, driven by the Jira simulator (signed installs and webhooks) and by an
    /// independent signer, read back from Kafka. Serialized: each test starts its own service and
    /// simulator site, and two cores run them best one at a time.
    @Suite struct WebhookEndToEndTests {
        @Test("a signed install records the tenant and announces it on tenant.lifecycle, sealed")
        func signedInstall() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                #expect(tenant.state == .installed)
                let secret = try await stack.sharedSecret(of: tenant)
                #expect(secret == WebhookStack.sharedSecret)

                let record = try #require(try await stack.records(stack.configuration.topics.lifecycle, count: 1).first)
                #expect(record.keyString == tenant.tenantID)
                let envelope = try EventEnvelope(json: record.value)
                #expect(envelope.type == "installed")
                #expect(envelope.tenant == tenant.tenantID)
                let notice = try await stack.open(envelope, purpose: WebhookReceiptConfiguration.Topics.lifecyclePurpose)
                let text = String(decoding: notice, as: UTF8.self)
                #expect(text.contains(stack.clientKey))
                #expect(!text.contains(WebhookStack.sharedSecret))
                // The ciphertext on the topic does not show the client key.
                #expect(!String(decoding: record.value, as: UTF8.self).contains(stack.clientKey))
            }
        }

        @Test("an install signed only with a shared secret, for a new tenant, is refused")
        func unsignedFirstInstallIsRefused() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed", signedInstall: false) == 401)
                #expect(try await stack.storedTenant() == nil)
            }
        }

        @Test("a webhook with a notification configured is sealed into jira.events keyed by tenant, acknowledged")
        func acceptedWebhook() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                try await stack.setScheme(tenant: tenant.tenantID)

                let delivery = try await stack.simulatorWebhook("jira:issue_created")
                #expect(delivery.status == 200)

                let record = try #require(try await stack.records(stack.configuration.topics.events, count: 1).first)
                #expect(record.keyString == tenant.tenantID)
                #expect(record.headers.contains { $0.key == "traceparent" })
                let envelope = try EventEnvelope(json: record.value)
                #expect(envelope.v == 1)
                #expect(envelope.type == "jira:issue_created")
                #expect(envelope.id == EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: delivery.identifier, body: []))
                #expect(!String(decoding: record.value, as: UTF8.self).contains("Printer on fire"))
                let body = try await stack.open(envelope, purpose: WebhookReceiptConfiguration.Topics.eventsPurpose)
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
                #expect(payload["webhookEvent"] as? String == "jira:issue_created")
                let issue = try #require(payload["issue"] as? [String: Any])
                #expect(issue["key"] as? String == "ACME-1")

                // Both ways of sealing store the event: with the key cached (on the event loop, no
                // task), and with the key to be read from the database first (in a task).
                #expect(stack.keys.cachedActiveKey(for: tenant.tenantID) != nil)
                await stack.keys.invalidateCache(for: tenant.tenantID)
                let uncached = try await stack.simulatorWebhook("jira:issue_created")
                #expect(uncached.status == 200)
                #expect(stack.keys.cachedActiveKey(for: tenant.tenantID) != nil)
                let records = try await stack.records(stack.configuration.topics.events, count: 2)
                let ids = [delivery.identifier, uncached.identifier].map {
                    EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: $0, body: [])
                }
                #expect(try records.map { try EventEnvelope(json: $0.value).id } == ids)
            }
        }

        @Test("dropped early: unknown tenant, no notification, other project, inactive tenant; nothing reaches the topic")
        func droppedEarly() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                // No scheme yet: the simulator's signed webhook is acknowledged and dropped.
                #expect(try await stack.simulatorWebhook("jira:issue_created").status == 204)
                // A scheme for another event or another project does not apply.
                try await stack.setScheme(tenant: tenant.tenantID, event: "comment_created")
                try await stack.setScheme(tenant: tenant.tenantID, project: "OTHER", event: "jira:issue_created")
                #expect(try await stack.simulatorWebhook("jira:issue_created").status == 204)
                // A tenant we never saw.
                let stranger = try stack.token(secret: "another-secret-for-nobody-0123456789", issuer: "unknown-client")
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: stranger).status == 204)
                // A scheme that exists but is disabled.
                try await stack.setScheme(tenant: tenant.tenantID, enabled: false)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status == 204)

                // Then one accepted event: it must be the first and only record on the topic.
                try await stack.setScheme(tenant: tenant.tenantID)
                let marker = UUID().uuidString
                #expect(try await stack.call(body: WebhookStack.webhookBody(marker: marker), token: try stack.token(), identifier: marker).status == 200)
                let first = try #require(try await stack.records(stack.configuration.topics.events, count: 1).first)
                let envelope = try EventEnvelope(json: first.value)
                #expect(envelope.id == EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: marker, body: []))

                // A disabled tenant's events are dropped even with a scheme.
                #expect(try await stack.lifecycle("disabled") == 200)
                #expect(try await stack.tenant().state == .disabled)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status == 204)
                #expect(try await stack.lifecycle("enabled") == 200)
                #expect(try await stack.tenant().state == .enabled)
                let last = UUID().uuidString
                #expect(try await stack.call(body: WebhookStack.webhookBody(marker: last), token: try stack.token(), identifier: last).status == 200)
                let records = try await stack.records(stack.configuration.topics.events, count: 2)
                #expect(records.count == 2)
                let ids = try records.map { try EventEnvelope(json: $0.value).id }
                #expect(ids == [envelope.id, EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: last, body: [])])
            }
        }

        @Test("bad calls are refused: 401 without detail, 400, 413, 404")
        func rejections() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                try await stack.setScheme(tenant: tenant.tenantID)
                let body = WebhookStack.webhookBody()

                let unauthorized: [(String, String?)] = [
                    ("no token", nil),
                    ("garbage", "not.a.jwt"),
                    ("wrong secret", try stack.token(secret: "wrong-secret-wrong-secret-wrong-secret")),
                    ("expired", try stack.token(issuedAt: Date().addingTimeInterval(-3600))),
                    ("issued in the future", try stack.token(issuedAt: Date().addingTimeInterval(3600))),
                    ("qsh of another request", try stack.token(path: ConnectDescriptor.Path.installed)),
                    ("context qsh", try stack.token(qsh: "context-qsh")),
                ]
                for (name, token) in unauthorized {
                    let answer = try await stack.call(body: body, token: token)
                    #expect(answer.status == 401, "\(name)")
                    #expect(answer.body.isEmpty, "\(name)")
                }
                #expect(try await stack.call(body: Array("{not json".utf8), token: try stack.token()).status == 400)
                #expect(try await stack.call(body: Array("[1,2]".utf8), token: try stack.token()).status == 400)
                #expect(try await stack.call(body: Array("{\"issue\":{}}".utf8), token: try stack.token()).status == 400)
                let huge = Array(repeating: UInt8(ascii: " "), count: stack.configuration.maximumBodyBytes + 1)
                #expect(try await stack.call(body: huge, token: try stack.token()).status == 413)
                #expect(try await stack.call("/webhooks/nowhere", body: body, token: try stack.token()).status == 404)
                // A lifecycle call signed by nobody does not change the tenant.
                let forged = try stack.token(path: ConnectDescriptor.Path.disabled, secret: "forged-secret-forged-secret-forged-00")
                let payload = Array(try JSONSerialization.data(withJSONObject: [
                    "key": WebhookStack.appKey, "clientKey": stack.clientKey, "baseUrl": "https://acme.atlassian.net",
                    "productType": "jira", "eventType": "disabled",
                ]))
                #expect(try await stack.call(ConnectDescriptor.Path.disabled, body: payload, token: forged).status == 401)
                #expect(try await stack.tenant().state == .installed)

                // After all that, the next good event is the first record: nothing refused was stored.
                let marker = UUID().uuidString
                #expect(try await stack.call(body: WebhookStack.webhookBody(marker: marker), token: try stack.token(), identifier: marker).status == 200)
                let first = try #require(try await stack.records(stack.configuration.topics.events, count: 1).first)
                #expect(try EventEnvelope(json: first.value).id == EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: marker, body: []))
            }
        }

        @Test("a duplicate delivery keeps its id: by X-Atlassian-Webhook-Identifier, else by body")
        func duplicateDelivery() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                try await stack.setScheme(tenant: tenant.tenantID)
                let identifier = UUID().uuidString
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(), identifier: identifier).status == 200)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(), identifier: identifier).status == 200)
                let same = WebhookStack.webhookBody()
                #expect(try await stack.call(body: same, token: try stack.token()).status == 200)
                #expect(try await stack.call(body: same, token: try stack.token()).status == 200)
                let ids = try await stack.records(stack.configuration.topics.events, count: 4).map { try EventEnvelope(json: $0.value).id }
                #expect(ids.count == 4)
                #expect(ids[0] == ids[1])
                #expect(ids[2] == ids[3])
                #expect(ids[0] != ids[2])
            }
        }

        @Test("the descriptor is served with our lifecycle and webhook paths")
        func descriptor() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                let answer = try await http.execute(.init(url: URL(string: stack.baseURL + "/atlassian-connect.json")!))
                #expect(answer.status == 200)
                let document = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
                #expect(document["baseUrl"] as? String == stack.baseURL)
                let lifecycle = try #require(document["lifecycle"] as? [String: String])
                #expect(lifecycle["installed"] == ConnectDescriptor.Path.installed)
            }
        }
    }
}
