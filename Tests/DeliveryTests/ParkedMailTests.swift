import Foundation
import Messaging
import Platform
import Postgres
import ServiceLifecycle
import Testing

@testable import Delivery

@Suite("Plan capacity: parked mail")
struct ParkedMailTests {
    @Test("parked while exhausted, nothing released until the plan is raised, then republished with the same request id and marked released")
    func releasedWhenRaised() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.setPlan(messages: 1, bytes: nil)
            let gate = fixture.gate()
            #expect(try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 100) == .granted)
            let request = fixture.request("evt-1", recipients: ["a@customer.example.test", "b@customer.example.test", "c@customer.example.test"])
            guard case .exhausted(let reason) = try await gate.reserve(tenant: fixture.tenant, messages: 2, bytes: 200) else {
                Issue.record("expected the plan to be exhausted")
                return
            }
            try await gate.park(request, recipients: ["b@customer.example.test", "c@customer.example.test"], reason: reason)
            // A redelivered record parks the same request for the same recipients: still one row.
            try await gate.park(request, recipients: ["C@customer.example.test", "b@customer.example.test"], reason: reason)
            #expect(try await fixture.plans.parkedCount(tenant: fixture.tenant) == 1)

            // A round over every tenant (other tests' too) leaves this one's mail parked.
            let releaser = fixture.releaser()
            await releaser.round()
            #expect(try await releaser.releaseNow(tenant: fixture.tenant) == 0)
            #expect(fixture.published.requests.isEmpty)
            #expect(try await fixture.plans.parkedCount(tenant: fixture.tenant) == 1)

            try await fixture.setPlan(messages: 3, bytes: nil)
            await releaser.round()
            var expected = request
            expected.recipients = ["b@customer.example.test", "c@customer.example.test"]
            #expect(fixture.published.requests == [expected])
            #expect(try await fixture.plans.parkedCount(tenant: fixture.tenant) == 0)
            let released = try await fixture.pool.query(
                "SELECT count(*) FROM parked_mail WHERE tenant_id = \(fixture.tenant) AND released_at IS NOT NULL")
            #expect(try released[0].decode(0, as: Int.self) == 1)
            // Nothing is released twice.
            #expect(try await releaser.releaseNow(tenant: fixture.tenant) == 0)
            #expect(fixture.published.requests.count == 1)
        }
    }

    @Test("release goes in order of parking and stops at the first request that does not fit")
    func inOrder() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.setPlan(messages: 0, bytes: nil)
            let gate = fixture.gate()
            for (id, count) in [("evt-1", 1), ("evt-2", 3), ("evt-3", 1)] {
                let recipients = (0..<count).map { "r\($0)-\(id)@customer.example.test" }
                try await gate.park(fixture.request(id, recipients: recipients), recipients: recipients, reason: "capacity")
            }
            // Room for 2: evt-1 fits, evt-2 (3) does not, and evt-3 waits behind it.
            try await fixture.setPlan(messages: 2, bytes: nil)
            #expect(try await fixture.releaser().releaseNow(tenant: fixture.tenant) == 1)
            #expect(fixture.published.requests.map(\.requestID) == ["evt-1"])
            try await fixture.setPlan(messages: 10, bytes: nil)
            #expect(try await fixture.releaser().releaseNow(tenant: fixture.tenant) == 2)
            #expect(fixture.published.requests.map(\.requestID) == ["evt-1", "evt-2", "evt-3"])
        }
    }

    @Test("bytes count too: a parked request waits until its bytes fit")
    func bytesGate() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.setPlan(messages: nil, bytes: 150)
            let recipients = ["a@customer.example.test", "b@customer.example.test"]
            try await fixture.gate().park(fixture.request("evt-1", recipients: recipients, byteCount: 100), recipients: recipients, reason: "capacity")
            #expect(try await fixture.releaser().releaseNow(tenant: fixture.tenant) == 0)
            try await fixture.setPlan(messages: nil, bytes: 200)
            #expect(try await fixture.releaser().releaseNow(tenant: fixture.tenant) == 1)
        }
    }

    @Test("a failed publication leaves the request parked; the next round releases it")
    func failureLeavesParked() async throws {
        try await CapacityFixture.with { fixture in
            let recipients = ["a@customer.example.test"]
            try await fixture.gate().park(fixture.request("evt-1", recipients: recipients), recipients: recipients, reason: "capacity")
            fixture.published.setFailing(true)
            await #expect(throws: DeliveryError.self) { try await fixture.releaser().releaseNow(tenant: fixture.tenant) }
            #expect(try await fixture.plans.parkedCount(tenant: fixture.tenant) == 1)
            fixture.published.setFailing(false)
            #expect(try await fixture.releaser().releaseNow(tenant: fixture.tenant) == 1)
            #expect(try await fixture.plans.parkedCount(tenant: fixture.tenant) == 0)
        }
    }

    @Test("the parked request is sealed at rest: no recipient or subject in the row")
    func sealedAtRest() async throws {
        try await CapacityFixture.with { fixture in
            let recipients = ["secret.person@customer.example.test"]
            let request = fixture.request("evt-1", recipients: recipients)
            try await fixture.gate().park(request, recipients: recipients, reason: "capacity")
            let row = try await fixture.pool.query(
                "SELECT sealed_request, recipients_token FROM parked_mail WHERE tenant_id = \(fixture.tenant)")[0]
            let sealed = try row.decode(0, as: PostgresBytes.self).bytes
            let token = try row.decode(1, as: String.self)
            #expect(!String(decoding: sealed, as: UTF8.self).contains("secret.person"))
            #expect(!String(decoding: sealed, as: UTF8.self).contains("Printer"))
            #expect(!token.contains("secret"))
            #expect(try await fixture.parked.waiting(tenant: fixture.tenant).map(\.request) == [request])
            await #expect(throws: DeliveryError.self) { try await fixture.gate().park(request, recipients: [], reason: "capacity") }
        }
    }

    @Test("two releasers at once publish each parked request once")
    func concurrentReleasers() async throws {
        try await CapacityFixture.with { fixture in
            for id in ["evt-1", "evt-2", "evt-3", "evt-4"] {
                let recipients = ["a-\(id)@customer.example.test"]
                try await fixture.gate().park(fixture.request(id, recipients: recipients), recipients: recipients, reason: "capacity")
            }
            let first = fixture.releaser()
            let second = fixture.releaser()
            let tenant = fixture.tenant
            async let one = first.releaseNow(tenant: tenant)
            async let two = second.releaseNow(tenant: tenant)
            #expect(try await one + two == 4)
            #expect(fixture.published.requests.map(\.requestID) == ["evt-1", "evt-2", "evt-3", "evt-4"])
        }
    }

    @Test("the releaser service releases on its own once capacity is added, and stops on graceful shutdown")
    func runningService() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.setPlan(messages: 0, bytes: nil)
            let recipients = ["a@customer.example.test"]
            try await fixture.gate().park(fixture.request("evt-1", recipients: recipients), recipients: recipients, reason: "capacity")
            let group = ServiceRunner.makeGroup([fixture.releaser()], gracefulShutdownTimeout: .seconds(5), logger: fixture.logger)
            let running = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await fixture.plans.parkedCount(tenant: fixture.tenant) == 1)
            try await fixture.setPlan(messages: 1, bytes: nil)
            let deadline = ContinuousClock.now + .seconds(20)
            while try await fixture.plans.parkedCount(tenant: fixture.tenant) > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(try await fixture.plans.parkedCount(tenant: fixture.tenant) == 0)
            #expect(fixture.published.requests.map(\.requestID) == ["evt-1"])
        }
    }
}
