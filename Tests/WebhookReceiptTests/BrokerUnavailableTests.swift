import Foundation
import Messaging
import Testing

@testable import WebhookReceipt

extension WebhookReceiptSerialSuites {
    /// Without a broker acknowledgement within the deadline the answer is 503, so Jira retries.
    @Suite struct BrokerUnavailableTests {
        @Test("no broker: an event that would be stored gets 503, a dropped one still 204")
        func noBroker() async throws {
            // Nothing listens on the discard port; the producer never gets an acknowledgement.
            try await WebhookStack.with(brokers: "127.0.0.1:9", produceDeadline: .seconds(2)) { (stack: WebhookStack) async throws -> Void in
                // Installing needs the broker too (tenant.lifecycle): the tenant is recorded, the answer 503.
                #expect(try await stack.lifecycle("installed", retryingUnavailable: false) == 503)
                let tenant = try await stack.tenant()
                let started = ContinuousClock.now
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token()).status == 204)
                try await stack.setScheme(tenant: tenant.tenantID)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(), retryingUnavailable: false).status == 503)
                // Bounded by the deadline, not the producer's 30 s message timeout.
                #expect(ContinuousClock.now - started < .seconds(20))
            }
        }
    }
}

extension WebhookReceiptSerialSuites {
    /// A broker that stops answering, then comes back: 503 while frozen, and the event Jira sends
    /// again afterwards is stored (nothing lost; a late copy of the first attempt keeps the same id).
    @Suite struct BrokerOutageTests {
        @Test("frozen broker: 503 within the deadline; after it thaws the retried event is stored")
        func frozenBroker() async throws {
            let broker = try await PrivateBroker.start()
            defer { broker.stop() }
            try await WebhookStack.with(brokers: broker.address, topicsOnOverride: true, produceDeadline: .seconds(2)) {
                (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                try await stack.setScheme(tenant: tenant.tenantID)
                let before = UUID().uuidString
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(), identifier: before).status == 200)

                broker.freeze()
                let during = UUID().uuidString
                let body = WebhookStack.webhookBody()
                let frozenStatus = try await stack.call(body: body, token: try stack.token(), identifier: during, retryingUnavailable: false).status
                broker.thaw()
                #expect(frozenStatus == 503)

                // Jira retries until it gets a 2xx.
                var retried = 0
                for _ in 0..<15 {
                    retried = try await stack.call(body: body, token: try stack.token(), identifier: during, retryingUnavailable: false).status
                    if retried == 200 { break }
                }
                #expect(retried == 200)
                let after = UUID().uuidString
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(), identifier: after).status == 200)

                // Read until the last event: everything before it is on the topic too.
                let lastID = EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: after, body: [])
                var ids: [String] = []
                for count in 3...5 {
                    ids = try await stack.records(stack.configuration.topics.events, count: count).map { try EventEnvelope(json: $0.value).id }
                    if ids.contains(lastID) { break }
                }
                let expected = [before, during, after].map { EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: $0, body: []) }
                #expect(Set(ids) == Set(expected))
            }
        }
    }
}
