import Foundation
import Postgres

/// `tenant_plans` and `usage`, for operators (`mailbridge plan`) and the parked-mail releaser.
public struct PlanDirectory: Sendable {
    /// A month's counts.
    public struct Usage: Sendable, Equatable {
        public var messages: Int
        public var bytes: Int

        public init(messages: Int, bytes: Int) {
            self.messages = messages
            self.bytes = bytes
        }
    }

    private let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Stores the tenant's plan, replacing any. Takes effect for the next reservation.
    /// - Throws: `DeliveryError` for invalid values or a tenant without a `tenants` row.
    public func setPlan(_ plan: CapacityPlan, tenant: String) async throws {
        try plan.validate()
        do {
            try await pool.query(
                """
                INSERT INTO tenant_plans (tenant_id, messages_per_month, bytes_per_month, alert_thresholds)
                VALUES (\(tenant), \(plan.messagesPerMonth)::bigint, \(plan.bytesPerMonth)::bigint, \(plan.thresholdsLiteral)::integer[])
                ON CONFLICT (tenant_id) DO UPDATE SET messages_per_month = excluded.messages_per_month,
                    bytes_per_month = excluded.bytes_per_month, alert_thresholds = excluded.alert_thresholds, updated_at = now()
                """)
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw DeliveryError("plan: tenant \(tenant) has no tenants row")
        }
    }

    /// The tenant's stored plan; nil when it has none (the default plan applies).
    public func plan(tenant: String) async throws -> CapacityPlan? {
        let rows = try await pool.query(
            "SELECT messages_per_month, bytes_per_month, alert_thresholds FROM tenant_plans WHERE tenant_id = \(tenant)")
        guard let row = rows.first else { return nil }
        return CapacityPlan(
            messagesPerMonth: try row.decode(0, as: Int?.self), bytesPerMonth: try row.decode(1, as: Int?.self),
            alertThresholds: try CapacityPlan.thresholds(fromLiteral: try row.decode(2, as: String.self)))
    }

    /// What the tenant used in `month` (`YYYY-MM`); zero when nothing was counted.
    public func usage(tenant: String, month: String) async throws -> Usage {
        let rows = try await pool.query("SELECT messages, bytes FROM usage WHERE tenant_id = \(tenant) AND month = \(month)")
        guard let row = rows.first else { return Usage(messages: 0, bytes: 0) }
        return Usage(messages: try row.decode(0, as: Int.self), bytes: try row.decode(1, as: Int.self))
    }

    /// How many requests of the tenant are parked and not yet released.
    public func parkedCount(tenant: String) async throws -> Int {
        try await pool.query("SELECT count(*) FROM parked_mail WHERE tenant_id = \(tenant) AND released_at IS NULL")[0]
            .decode(0, as: Int.self)
    }
}
