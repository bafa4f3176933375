import Postgres

/// The one statement behind ``PlanCapacity/reserve(tenant:messages:bytes:)``.
///
/// In order, within a single statement (so under one row lock of the month's `usage` row):
/// 1. `plan`: the tenant's `tenant_plans` row, or the default plan;
/// 2. `counted`: insert or add to the month's `usage` row only when the sums stay within both
///    limits (the `ON CONFLICT … DO UPDATE … WHERE` re-checks against the latest row version, so
///    concurrent reservers queue on the row and each sees the others' counts);
/// 3. `alerts`: for each threshold (the plan's and 100) that the new counts reach, insert into
///    `usage_alerts_sent`; `ON CONFLICT DO NOTHING` makes exactly one reserver the winner.
enum ReserveStatement {
    struct Outcome {
        var granted: Bool
        var messageLimit: Int?
        var byteLimit: Int?
        /// The month's counts before this reservation (read when it was refused).
        var messagesUsed: Int
        var bytesUsed: Int
        /// Thresholds this reservation was the first to reach.
        var newAlerts: [UsageAlert]

        /// What ran out, e.g. "messages: 1000 of 1000 used in 2026-11, 1 more asked".
        func exhaustedReason(month: String, messages: Int, bytes: Int) -> String {
            if let messageLimit, messagesUsed + messages > messageLimit {
                return "messages: \(messagesUsed) of \(messageLimit) used in \(month), \(messages) more asked"
            }
            if let byteLimit, bytesUsed + bytes > byteLimit {
                return "bytes: \(bytesUsed) of \(byteLimit) used in \(month), \(bytes) more asked"
            }
            return "capacity: used up in \(month) by reservations made at the same moment"
        }
    }

    static func run(
        on pool: PostgresPool, tenant: String, month: String, messages: Int, bytes: Int, defaultPlan: CapacityPlan
    ) async throws -> Outcome {
        let rows = try await pool.query(
            """
            WITH plan AS (
                SELECT messages_per_month AS message_limit, bytes_per_month AS byte_limit, alert_thresholds AS thresholds
                FROM tenant_plans WHERE tenant_id = \(tenant)
                UNION ALL
                SELECT \(defaultPlan.messagesPerMonth)::bigint, \(defaultPlan.bytesPerMonth)::bigint, \(defaultPlan.thresholdsLiteral)::integer[]
                WHERE NOT EXISTS (SELECT 1 FROM tenant_plans WHERE tenant_id = \(tenant))
            ), counted AS (
                INSERT INTO usage AS u (tenant_id, month, messages, bytes)
                SELECT \(tenant), \(month), \(messages)::bigint, \(bytes)::bigint FROM plan
                WHERE (plan.message_limit IS NULL OR \(messages)::bigint <= plan.message_limit)
                  AND (plan.byte_limit IS NULL OR \(bytes)::bigint <= plan.byte_limit)
                ON CONFLICT (tenant_id, month) DO UPDATE
                SET messages = u.messages + excluded.messages, bytes = u.bytes + excluded.bytes, updated_at = now()
                WHERE ((SELECT message_limit FROM plan) IS NULL OR u.messages + excluded.messages <= (SELECT message_limit FROM plan))
                  AND ((SELECT byte_limit FROM plan) IS NULL OR u.bytes + excluded.bytes <= (SELECT byte_limit FROM plan))
                RETURNING u.messages, u.bytes
            ), alerts AS (
                INSERT INTO usage_alerts_sent (tenant_id, month, metric, threshold, used, allowed)
                SELECT \(tenant), \(month), m.metric, t.threshold, m.used, m.allowed
                FROM counted, plan,
                    LATERAL (SELECT DISTINCT x FROM unnest(plan.thresholds || 100) AS x) AS t(threshold),
                    LATERAL (VALUES ('messages', counted.messages, plan.message_limit),
                                    ('bytes', counted.bytes, plan.byte_limit)) AS m(metric, used, allowed)
                WHERE m.allowed > 0 AND m.used * 100 >= t.threshold::bigint * m.allowed
                ON CONFLICT DO NOTHING
                RETURNING metric, threshold, used, allowed
            )
            SELECT (SELECT count(*) FROM counted) AS granted, plan.message_limit, plan.byte_limit,
                coalesce((SELECT messages FROM usage WHERE tenant_id = \(tenant) AND month = \(month)), 0),
                coalesce((SELECT bytes FROM usage WHERE tenant_id = \(tenant) AND month = \(month)), 0),
                coalesce((SELECT string_agg(metric || ':' || threshold || ':' || used || ':' || allowed, ',') FROM alerts), '')
            FROM plan
            """)
        guard let row = rows.first else { throw DeliveryError("reserve for tenant \(tenant): the plan query returned no row") }
        return Outcome(
            granted: try row.decode(0, as: Int.self) == 1,
            messageLimit: try row.decode(1, as: Int?.self), byteLimit: try row.decode(2, as: Int?.self),
            messagesUsed: try row.decode(3, as: Int.self), bytesUsed: try row.decode(4, as: Int.self),
            newAlerts: try UsageAlert.parseList(try row.decode(5, as: String.self)))
    }
}
