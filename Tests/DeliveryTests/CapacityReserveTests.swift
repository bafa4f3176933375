import Foundation
import Testing

@testable import Delivery

@Suite("Plan capacity: reserve")
struct CapacityReserveTests {
    @Test("messages: granted up to the plan, then exhausted with a reason, and nothing counted")
    func messagesRunOut() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.setPlan(messages: 5, bytes: nil)
            let gate = fixture.gate()
            for _ in 0..<5 { #expect(try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 1000) == .granted) }
            let refused = try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 1)
            let month = UsageMonth.of(Date())
            #expect(refused == .exhausted(reason: "messages: 5 of 5 used in \(month), 1 more asked"))
            #expect(try await fixture.usage() == .init(messages: 5, bytes: 5000))
        }
    }

    @Test("bytes: a reservation that would pass the byte limit is refused, a smaller one still fits")
    func bytesRunOut() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.setPlan(messages: nil, bytes: 1000)
            let gate = fixture.gate()
            #expect(try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 400) == .granted)
            #expect(try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 400) == .granted)
            let refused = try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 300)
            #expect(refused == .exhausted(reason: "bytes: 800 of 1000 used in \(UsageMonth.of(Date())), 300 more asked"))
            #expect(try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 200) == .granted)
            #expect(try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 1) != .granted)
            #expect(try await fixture.usage() == .init(messages: 3, bytes: 1000))
        }
    }

    @Test("a tenant without a plan row gets the configured default plan")
    func defaultPlan() async throws {
        try await CapacityFixture.with { fixture in
            let unlimited = fixture.gate()
            #expect(try await unlimited.reserve(tenant: fixture.tenant, messages: 1_000_000, bytes: 1 << 40) == .granted)
            let otherTenant = try await CapacityFixture.insertTenant(fixture.pool)
            let limited = fixture.gate(defaultPlan: CapacityPlan(messagesPerMonth: 2, bytesPerMonth: nil))
            #expect(try await limited.reserve(tenant: otherTenant, messages: 2, bytes: 10) == .granted)
            #expect(try await limited.reserve(tenant: otherTenant, messages: 1, bytes: 10) != .granted)
            try await fixture.pool.query("DELETE FROM tenants WHERE tenant_id = \(otherTenant)")
        }
    }

    @Test("20 concurrent reservers never pass the plan: exactly the limit is granted and counted")
    func concurrentReservers() async throws {
        try await CapacityFixture.with(maximumConnections: 20) { fixture in
            try await fixture.setPlan(messages: 50, bytes: nil)
            let gate = fixture.gate()
            let tenant = fixture.tenant
            let granted = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        var count = 0
                        for _ in 0..<5 where try await gate.reserve(tenant: tenant, messages: 1, bytes: 10) == .granted { count += 1 }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(granted == 50)
            #expect(try await fixture.usage() == .init(messages: 50, bytes: 500))
        }
    }

    @Test("a new month starts from zero; the old month's count stays")
    func monthRollover() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.setPlan(messages: 3, bytes: nil)
            let lastSecond = try utcDate("2026-11-30T23:59:59Z")
            let firstSecond = try utcDate("2026-12-01T00:00:00Z")
            let november = fixture.gate(now: { lastSecond })
            let december = fixture.gate(now: { firstSecond })
            #expect(try await november.reserve(tenant: fixture.tenant, messages: 3, bytes: 3) == .granted)
            #expect(try await november.reserve(tenant: fixture.tenant, messages: 1, bytes: 1) != .granted)
            #expect(try await december.reserve(tenant: fixture.tenant, messages: 2, bytes: 2) == .granted)
            #expect(try await fixture.usage(month: "2026-11") == .init(messages: 3, bytes: 3))
            #expect(try await fixture.usage(month: "2026-12") == .init(messages: 2, bytes: 2))
        }
    }

    @Test("an unknown tenant and negative amounts are refused with errors naming them")
    func badInput() async throws {
        try await CapacityFixture.with { fixture in
            let gate = fixture.gate()
            let error = await #expect(throws: DeliveryError.self) { try await gate.reserve(tenant: "no-such-tenant", messages: 1, bytes: 1) }
            #expect(error?.message.contains("no-such-tenant has no tenants row") == true)
            await #expect(throws: DeliveryError.self) { try await gate.reserve(tenant: fixture.tenant, messages: -1, bytes: 1) }
        }
    }
}
