import Foundation
import Postgres
import Testing
import TestSupport

@testable import Delivery

@Suite("DeliveryRetention: ledger, history and sent mail objects go after 30 days")
struct DeliveryRetentionTests {
    @Test("purge deletes rows and objects older than the cut-off and keeps newer ones")
    func purgesOldRecordsAndObjects() async throws {
        try await SenderFixture.with { fixture in
            let history = OutboundHistory(pool: fixture.pool, cipher: fixture.cipher)
            let ledger = DeliveryLedger(pool: fixture.pool)
            let (old, _) = try await fixture.makeRequest(recipients: ["old@retention.example.test"], label: "old")
            let (fresh, _) = try await fixture.makeRequest(recipients: ["new@retention.example.test"], label: "new")
            // An object of the old day that no row names (its request never reached the sender).
            let oldDay = Date().addingTimeInterval(-40 * 86_400)
            let orphan = "sent/\(fixture.tenant)/\(SenderFixture.dayPath(oldDay))/orphan.eml"
            try await fixture.store.put(key: orphan, bytes: [1, 2, 3])
            for request in [old, fresh] {
                let token = fixture.index.token(for: request.recipients[0], tenant: fixture.tenant)
                try await ledger.record(.sent, tenant: fixture.tenant, requestID: request.requestID, recipient: token, reply: SMTPReply(code: 250, text: "ok"))
                try await history.append(request, recipients: request.recipients, status: .sent, reply: SMTPReply(code: 250, text: "ok"))
            }
            try await fixture.pool.query(
                "UPDATE outbound_history SET created_at = \(oldDay) WHERE tenant_id = \(fixture.tenant) AND request_id = \(old.requestID)")
            try await fixture.pool.query(
                "UPDATE outbound_deliveries SET updated_at = \(oldDay) WHERE tenant_id = \(fixture.tenant) AND request_id = \(old.requestID)")

            let result = try await DeliveryRetention(pool: fixture.pool, store: fixture.store)
                .purge(olderThan: Date().addingTimeInterval(-30 * 86_400))
            #expect(result.historyRows >= 1)
            #expect(result.ledgerRows >= 1)
            #expect(result.objects >= 2)
            #expect(try await fixture.history(old).isEmpty)
            #expect(try await fixture.ledgerRows(old).isEmpty)
            #expect(try await fixture.store.head(key: old.objectKey) == nil)
            #expect(try await fixture.store.head(key: orphan) == nil)
            #expect(try await fixture.history(fresh).count == 1)
            #expect(try await fixture.ledgerRows(fresh).count == 1)
            #expect(try await fixture.store.head(key: fresh.objectKey) != nil)
        }
    }

    @Test("the day prefixes run from the oldest row's day up to the day before the cut-off")
    func dayPrefixes() throws {
        let start = try #require(ISO8601DateFormatter().date(from: "2026-10-30T23:00:00Z"))
        let cutoff = try #require(ISO8601DateFormatter().date(from: "2026-11-02T01:00:00Z"))
        #expect(DeliveryRetention.days(from: start, before: cutoff) == ["2026/10/30", "2026/10/31", "2026/11/01"])
    }
}
