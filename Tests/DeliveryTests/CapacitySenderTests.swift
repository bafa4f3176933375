import Foundation
import Messaging
import Testing

@testable import Delivery

@Suite("Plan capacity with the real sender", .serialized)
struct CapacitySenderTests {
    @Test("capacity exhausted then raised: parked mail is released and delivered once per recipient")
    func exhaustedThenRaised() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let plans = PlanDirectory(pool: fixture.pool)
            try await plans.setPlan(CapacityPlan(messagesPerMonth: 1, bytesPerMonth: nil), tenant: fixture.tenant)
            let parked = ParkedMailStore(pool: fixture.pool, cipher: fixture.cipher, blindIndex: fixture.index)
            let gate = PlanCapacity(pool: fixture.pool, parked: parked, alerts: nil, logger: fixture.logger)
            let publish = EventPublisher(producer: fixture.producer, cipher: fixture.cipher, deadline: .seconds(20))
                .outboundPublish(topic: fixture.topics.outbound)
            let releaser = ParkedMailReleaser(pool: fixture.pool, parked: parked, publish: publish, alerts: nil, logger: fixture.logger)
            let first = uniqueRecipient("cap-e2e-a")
            let second = uniqueRecipient("cap-e2e-b")
            let third = uniqueRecipient("cap-e2e-c")
            let (fits, _) = try await fixture.makeRequest(recipients: [first], label: "capacity-fits")
            let (waits, _) = try await fixture.makeRequest(recipients: [second, third], label: "capacity-waits")
            try await fixture.running(fixture.makeSender(capacity: gate)) {
                try await fixture.produce(fits)
                try await fixture.produce(waits)
                #expect(try await eventually(timeout: .seconds(30)) { try await plans.parkedCount(tenant: fixture.tenant) == 1 })
                #expect(try await fixture.status(fits, first) == .sent)
                // Still exhausted: nothing is released.
                #expect(try await releaser.releaseNow(tenant: fixture.tenant) == 0)

                try await plans.setPlan(CapacityPlan(messagesPerMonth: 3, bytesPerMonth: nil), tenant: fixture.tenant)
                #expect(try await releaser.releaseNow(tenant: fixture.tenant) == 1)
                #expect(
                    try await eventually(timeout: .seconds(30)) {
                        let statuses = [try await fixture.status(waits, second), try await fixture.status(waits, third)]
                        return statuses == [.sent, .sent]
                    })
            }
            #expect(server.acceptedCount(first) == 1)
            #expect(server.acceptedCount(second) == 1)
            #expect(server.acceptedCount(third) == 1)
            #expect(try await plans.parkedCount(tenant: fixture.tenant) == 0)
            #expect(try await plans.usage(tenant: fixture.tenant, month: UsageMonth.of(Date())) == .init(messages: 3, bytes: fits.byteCount + 2 * waits.byteCount))
        }
    }
}
