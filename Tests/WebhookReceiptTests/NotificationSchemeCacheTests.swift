import Foundation
import Testing

@testable import WebhookReceipt

extension WebhookReceiptSerialSuites {
    @Suite struct NotificationSchemeCacheTests {
        @Test("a change to notification_schemes is seen by the polling cache within seconds")
        func changeIsSeen() async throws {
            try await WebhookStack.with(schemeRefresh: .milliseconds(200)) { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                let key = NotificationSchemeCache.Key(tenant: tenant.tenantID, projectKey: "ACME", event: "jira:issue_updated")
                #expect(await eventually { stack.app.schemes.applies(key) == false })
                // Written straight to the table, not through the test helper's refresh.
                try await stack.query(
                    "INSERT INTO notification_schemes (tenant_id, project_key, event) VALUES (\(tenant.tenantID), 'ACME', 'jira:issue_updated')")
                #expect(await eventually { stack.app.schemes.applies(key) == true })
                try await stack.query(
                    "UPDATE notification_schemes SET enabled = false WHERE tenant_id = \(tenant.tenantID) AND event = 'jira:issue_updated'")
                #expect(await eventually { stack.app.schemes.applies(key) == false })
            }
        }
    }
}

/// Polls `condition` until it holds or `timeout` (5 s: "within seconds") passes.
func eventually(timeout: Duration = .seconds(5), _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}
