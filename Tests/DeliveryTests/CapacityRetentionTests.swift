import Foundation
import Platform
import Postgres
import ServiceLifecycle
import Testing

@testable import Delivery

// Serialized: the service test purges with the real clock, which would take this suite's rows dated
// for a fixed "now" while the purge test looks at them.
@Suite("Plan capacity: retention and contacts", .serialized)
struct CapacityRetentionTests {
    @Test("purge: usage and alerts after 13 months, released parked mail after 30 days, billing contacts after a year; unreleased mail stays")
    func purge() async throws {
        try await CapacityFixture.with { fixture in
            let tenant = fixture.tenant
            let now = try utcDate("2026-11-15T12:00:00Z")
            for month in ["2025-10", "2025-11", "2026-11"] {
                try await fixture.pool.query("INSERT INTO usage (tenant_id, month, messages, bytes) VALUES (\(tenant), \(month), 1, 1)")
                try await fixture.pool.query(
                    """
                    INSERT INTO usage_alerts_sent (tenant_id, month, metric, threshold, used, allowed, published_at)
                    VALUES (\(tenant), \(month), 'messages', 80, 8, 10, now())
                    """)
            }
            let store = fixture.parked
            for id in ["released-31d", "released-29d", "unreleased-2y"] {
                let recipients = ["a@customer.example.test"]
                try await store.park(fixture.request(id, recipients: recipients), recipients: recipients, reason: "capacity")
            }
            try await fixture.pool.query(
                "UPDATE parked_mail SET released_at = \(now.addingTimeInterval(-31 * 86_400)) WHERE tenant_id = \(tenant) AND request_id = 'released-31d'")
            try await fixture.pool.query(
                "UPDATE parked_mail SET released_at = \(now.addingTimeInterval(-29 * 86_400)) WHERE tenant_id = \(tenant) AND request_id = 'released-29d'")
            try await fixture.pool.query(
                "UPDATE parked_mail SET parked_at = \(now.addingTimeInterval(-730 * 86_400)) WHERE tenant_id = \(tenant) AND request_id = 'unreleased-2y'")
            try await fixture.contacts.add("old@customer.example.test", kind: .billing, tenant: tenant)
            try await fixture.contacts.add("new@customer.example.test", kind: .billing, tenant: tenant)
            try await fixture.contacts.add("ops@customer.example.test", kind: .system, tenant: tenant)
            try await fixture.pool.query(
                """
                UPDATE billing_contacts SET created_at = \(now.addingTimeInterval(-400 * 86_400))
                WHERE tenant_id = \(tenant) AND address_index = \(fixture.blindIndex.token(for: "old@customer.example.test", tenant: tenant))
                """)
            try await fixture.pool.query("UPDATE billing_contacts SET created_at = \(now) WHERE tenant_id = \(tenant) AND created_at > \(now)")

            // The counts are not checked: another purge (the service test, a running sender) may
            // delete the same rows first. What is left is what matters.
            _ = try await CapacityRetention(pool: fixture.pool).purge(now: now)
            let months = try await fixture.pool.query("SELECT month FROM usage WHERE tenant_id = \(tenant) ORDER BY month")
                .map { try $0.decode(0, as: String.self) }
            #expect(months == ["2025-11", "2026-11"])
            let alertMonths = try await fixture.pool.query("SELECT month FROM usage_alerts_sent WHERE tenant_id = \(tenant) ORDER BY month")
                .map { try $0.decode(0, as: String.self) }
            #expect(alertMonths == ["2025-11", "2026-11"])
            let parked = try await fixture.pool.query("SELECT request_id FROM parked_mail WHERE tenant_id = \(tenant) ORDER BY request_id")
                .map { try $0.decode(0, as: String.self) }
            #expect(parked == ["released-29d", "unreleased-2y"])
            #expect(try await fixture.contacts.list(kind: .billing, tenant: tenant) == ["new@customer.example.test"])
            #expect(try await fixture.contacts.list(kind: .system, tenant: tenant) == ["ops@customer.example.test"])

            // Purging the tenant takes its unreleased parked mail and everything else with it.
            try await fixture.pool.query("DELETE FROM tenants WHERE tenant_id = \(tenant)")
            for table in ["usage", "usage_alerts_sent", "parked_mail", "billing_contacts", "system_notification_addresses", "tenant_plans"] {
                let left = try await fixture.pool.query("SELECT count(*) FROM \(identifier: table) WHERE tenant_id = \(tenant)")
                #expect(try left[0].decode(0, as: Int.self) == 0, "\(table)")
            }
        }
    }

    @Test("contacts: sealed, stored once per address whatever its case, removable, and merged for alerts")
    func contacts() async throws {
        try await CapacityFixture.with { fixture in
            let contacts = fixture.contacts
            let tenant = fixture.tenant
            try await contacts.add("Pay@Customer.example.test", kind: .billing, tenant: tenant)
            try await contacts.add(" pay@customer.example.test ", kind: .billing, tenant: tenant)
            try await contacts.add("pay@customer.example.test", kind: .system, tenant: tenant)
            try await contacts.add("ops@customer.example.test", kind: .system, tenant: tenant)
            #expect(try await contacts.list(kind: .billing, tenant: tenant) == ["pay@customer.example.test"])
            #expect(try await contacts.alertRecipients(tenant: tenant) == ["ops@customer.example.test", "pay@customer.example.test"])
            let sealed = try await fixture.pool.query("SELECT sealed_address FROM billing_contacts WHERE tenant_id = \(tenant)")
            #expect(!String(decoding: try sealed[0].decode(0, as: PostgresBytes.self).bytes, as: UTF8.self).contains("customer"))
            #expect(try await contacts.remove("PAY@customer.example.test", kind: .billing, tenant: tenant))
            #expect(try await !contacts.remove("pay@customer.example.test", kind: .billing, tenant: tenant))
            #expect(try await contacts.list(kind: .billing, tenant: tenant).isEmpty)
            await #expect(throws: DeliveryError.self) { try await contacts.add("not an address", kind: .billing, tenant: tenant) }
            await #expect(throws: DeliveryError.self) { try await contacts.add("josé@customer.example.test", kind: .billing, tenant: tenant) }
            await #expect(throws: DeliveryError.self) { try await contacts.add("ops@", kind: .system, tenant: tenant) }
        }
    }

    @Test("the retention service purges on its own and stops on graceful shutdown")
    func service() async throws {
        try await CapacityFixture.with { fixture in
            try await fixture.contacts.add("old@customer.example.test", kind: .billing, tenant: fixture.tenant)
            try await fixture.pool.query(
                "UPDATE billing_contacts SET created_at = now() - interval '400 days' WHERE tenant_id = \(fixture.tenant)")
            let service = CapacityRetentionService(retention: CapacityRetention(pool: fixture.pool), interval: .milliseconds(100), logger: fixture.logger)
            let group = ServiceRunner.makeGroup([service], gracefulShutdownTimeout: .seconds(5), logger: fixture.logger)
            let running = Task { try await group.run() }
            let deadline = ContinuousClock.now + .seconds(20)
            while try await !fixture.contacts.list(kind: .billing, tenant: fixture.tenant).isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(try await fixture.contacts.list(kind: .billing, tenant: fixture.tenant).isEmpty)
        }
    }
}
