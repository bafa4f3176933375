import Foundation
import Testing

@testable import WebhookReceipt

/// Without a broker acknowledgement within the deadline the answer is 503, so Jira retries.
@Suite(.serialized) struct BrokerUnavailableTests {
    @Test("no broker: an event that would be stored gets 503, a dropped one still 204")
    func noBroker() async throws {
        // Nothing listens on the discard port; the producer never gets an acknowledgement.
        try await WebhookStack.with(brokers: "127.0.0.1:9", produceDeadline: .seconds(2)) { (stack: WebhookStack) async throws -> Void in
            // Installing needs the broker too (tenant.lifecycle): the tenant is recorded, the answer 503.
            #expect(try await stack.lifecycle("installed") == 503)
            let tenant = try await stack.tenant()
            let started = ContinuousClock.now
            #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status == 204)
            try await stack.setScheme(tenant: tenant.tenantID)
            #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status == 503)
            // Bounded by the deadline, not the producer's 30 s message timeout.
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }
}
