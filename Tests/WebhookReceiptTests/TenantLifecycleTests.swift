import Foundation
import Messaging
import Testing

@testable import WebhookReceipt

extension WebhookReceiptSerialSuites {
    @Suite struct TenantLifecycleTests {
        @Test("a signed re-install with a new shared secret replaces the old one; uninstall stops events")
        func reinstallAndUninstall() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                try await stack.setScheme(tenant: tenant.tenantID)
                // The simulator rotates the app's secret and sends a signed install.
                let answer = try await post(
                    "\(stack.jiraURL)/__sim/sites/\(stack.site)/lifecycle", json: ["event": "installed", "app": WebhookStack.appKey, "newSharedSecret": true])
                #expect(try WebhookStack.deliveryStatus(answer) == 200)
                let again = try await stack.tenant()
                #expect(again.tenantID == tenant.tenantID)
                let secret = try await stack.sharedSecret(of: again)
                #expect(secret != WebhookStack.sharedSecret)
                // The old secret no longer signs; the new one does (also through the simulator).
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status == 401)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(secret: secret)).status == 200)
                #expect(try await stack.simulatorWebhook("jira:issue_created").status == 200)

                #expect(try await stack.lifecycle("uninstalled") == 200)
                #expect(try await stack.tenant().state == .uninstalled)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(secret: secret)).status == 204)
            }
        }

        @Test("a tenant disabled by another instance (straight in the database) is dropped within seconds")
        func stateChangeElsewhereIsSeen() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                try await stack.setScheme(tenant: tenant.tenantID)
                // Cached now.
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status == 200)
                try await stack.query("UPDATE tenants SET state = 'disabled' WHERE tenant_id = \(tenant.tenantID)")
                let started = ContinuousClock.now
                var status = 0
                while ContinuousClock.now - started < .seconds(10) {
                    status = try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status
                    if status == 204 { break }
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(status == 204)
            }
        }

        @Test("two tenants sending at once: every event is stored once, under its own tenant")
        func concurrentTenants() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                let second = try await stack.anotherTenant()
                #expect(try await stack.lifecycle("installed") == 200)
                #expect(try await second.lifecycle("installed") == 200)
                let first = try await stack.tenant()
                let other = try await second.tenant()
                #expect(first.tenantID != other.tenantID)
                try await stack.setScheme(tenant: first.tenantID)
                try await stack.setScheme(tenant: other.tenantID)

                let perTenant = 15
                var expected: [String: Set<String>] = [first.tenantID: [], other.tenantID: []]
                var calls: [(WebhookStack, String)] = []
                for index in 0..<perTenant {
                    for (sender, tenant) in [(stack, first.tenantID), (second, other.tenantID)] {
                        let identifier = "\(tenant)-\(index)"
                        expected[tenant]?.insert(EventIdentity.id(tenant: tenant, deliveryIdentifier: identifier, body: []))
                        calls.append((sender, identifier))
                    }
                }
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for (sender, identifier) in calls {
                        group.addTask {
                            try await sender.call(body: WebhookStack.webhookBody(), token: try sender.token(), identifier: identifier).status
                        }
                    }
                    var all: [Int] = []
                    for try await status in group { all.append(status) }
                    return all
                }
                #expect(statuses == Array(repeating: 200, count: 2 * perTenant))

                let records = try await stack.records(stack.configuration.topics.events, count: 2 * perTenant)
                var seen: [String: Set<String>] = [:]
                for record in records {
                    let envelope = try EventEnvelope(json: record.value)
                    #expect(record.keyString == envelope.tenant)
                    seen[envelope.tenant, default: []].insert(envelope.id)
                }
                #expect(seen == expected)
            }
        }
    }
}
