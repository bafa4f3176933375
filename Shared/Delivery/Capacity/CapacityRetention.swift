import Foundation
import Postgres

/// Deletes plan-capacity data past its retention (migration 0007, docs/capacity.md):
/// usage and its alert records after 13 months (the current month and the 12 before it are
/// kept), released parked mail 30 days after release (unreleased mail is never dropped), and
/// billing contacts one year after they were last added. Plans, system-notification addresses
/// and unreleased parked mail go with their tenant (`ON DELETE CASCADE`).
public struct CapacityRetention: Sendable {
    /// Rows deleted by one purge.
    public struct Purged: Sendable, Equatable {
        public var usageMonths = 0
        public var alerts = 0
        public var parkedMail = 0
        public var billingContacts = 0
    }

    /// How long released parked mail is kept.
    public static let releasedParkedMailRetention: TimeInterval = 30 * 86_400

    private let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Deletes what is past retention at `now`.
    public func purge(now: Date = Date()) async throws -> Purged {
        let oldestKeptMonth = UsageMonth.of(now, monthsBefore: 12)
        var purged = Purged()
        purged.usageMonths = try await pool.query("DELETE FROM usage WHERE month < \(oldestKeptMonth)").affectedRows
        purged.alerts = try await pool.query("DELETE FROM usage_alerts_sent WHERE month < \(oldestKeptMonth)").affectedRows
        purged.parkedMail = try await pool.query(
            "DELETE FROM parked_mail WHERE released_at < \(now.addingTimeInterval(-Self.releasedParkedMailRetention))"
        ).affectedRows
        purged.billingContacts = try await pool.query(
            "DELETE FROM billing_contacts WHERE created_at < \(now)::timestamptz - interval '1 year'"
        ).affectedRows
        return purged
    }
}
