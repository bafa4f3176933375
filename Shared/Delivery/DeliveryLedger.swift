import Postgres

/// The `outbound_deliveries` table: what became of each (tenant, request, recipient), so that a
/// replayed or redelivered request never sends one mail twice to one recipient.
///
/// Recipients are keyed by their ``BlindIndex`` token, never stored in clear.
public struct DeliveryLedger: Sendable {
    /// A ledger row's state.
    public enum Status: String, Sendable, Codable {
        /// Claimed; an SMTP send may be under way (or may have finished before a crash).
        case sending
        case sent
        /// Not sent: the tenant's sandbox does not allow the recipient.
        case suppressed
        /// Not sent: the server refused it or retries ran out (sent again only by a DLQ replay).
        case failed
        /// The mail may or may not have gone out; never sent again unless an operator replays with
        /// `--force`. Claims no longer record it (a row a dead process left `sending` is sent
        /// again, see ``claim(tenant:requestID:recipient:instance:)``); it stays readable and
        /// releasable for rows written before `0008_delivery_claims.sql`.
        case uncertain

        /// Whether the recipient's fate is settled: a replay leaves it alone.
        public var isSettled: Bool { self != .failed }
    }

    /// What ``claim(tenant:requestID:recipient:instance:)`` found.
    public enum Claim: Sendable, Equatable {
        /// The row is now `sending`, claimed by this instance: send.
        case claimed
        /// The row was `sending`, claimed by a process that is gone (it died between its claim and
        /// recording the outcome): claimed again by this instance; send again.
        case reclaimed
        /// The row is `sending` in a live process (or in this one, by a twin of the same request):
        /// that send decides; leave it alone.
        case inFlight
        /// Settled earlier (`sent`, `suppressed` or `uncertain`): nothing to do.
        case settled(Status)
    }

    private let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The statuses recorded for `recipients` (blind-index tokens) of one request.
    public func statuses(tenant: String, requestID: String, recipients: [String]) async throws -> [String: Status] {
        guard !recipients.isEmpty else { return [:] }
        let rows = try await pool.query(
            """
            SELECT recipient_index, status FROM outbound_deliveries
            WHERE tenant_id = \(tenant) AND request_id = \(requestID) AND recipient_index = ANY(\(Self.textArray(recipients))::text[])
            """)
        var result = [String: Status]()
        for row in rows {
            let text = try row.decode("status", as: String.self)
            guard let status = Status(rawValue: text) else { throw DeliveryError("outbound_deliveries holds unknown status \"\(text)\"") }
            result[try row.decode("recipient_index", as: String.self)] = status
        }
        return result
    }

    /// Claims a recipient for sending by `instance` (this process's `SenderLivenessLock` id): a new
    /// row, or a `failed` one (a replay from the DLQ), becomes `sending`; a `sending` one is taken
    /// over only when the process that claimed it no longer holds its liveness lock; anything
    /// else is left as it is. Concurrent claims of one row are serialised by a row lock.
    public func claim(tenant: String, requestID: String, recipient: String, instance: String) async throws -> Claim {
        // The common case, a recipient seen for the first time, is one statement.
        let inserted = try await pool.query(
            """
            INSERT INTO outbound_deliveries (tenant_id, request_id, recipient_index, status, claimed_by)
            VALUES (\(tenant), \(requestID), \(recipient), 'sending', \(instance))
            ON CONFLICT (tenant_id, request_id, recipient_index) DO NOTHING
            RETURNING status
            """)
        if !inserted.isEmpty { return .claimed }
        return try await pool.withTransaction { transaction in
            let claimed = try await transaction.query(
                """
                INSERT INTO outbound_deliveries (tenant_id, request_id, recipient_index, status, claimed_by)
                VALUES (\(tenant), \(requestID), \(recipient), 'sending', \(instance))
                ON CONFLICT (tenant_id, request_id, recipient_index) DO UPDATE
                    SET status = 'sending', claimed_by = EXCLUDED.claimed_by, reply_code = NULL, reply_text = NULL, updated_at = now()
                    WHERE outbound_deliveries.status = 'failed'
                RETURNING status
                """)
            if !claimed.isEmpty { return .claimed }
            let rows = try await transaction.query(
                """
                SELECT status, claimed_by FROM outbound_deliveries
                WHERE tenant_id = \(tenant) AND request_id = \(requestID) AND recipient_index = \(recipient) FOR UPDATE
                """)
            guard let row = rows.first, let status = Status(rawValue: try row.decode("status", as: String.self)) else {
                throw DeliveryError("outbound_deliveries: the row of request \(requestID) vanished or holds an unknown status")
            }
            guard status == .sending else { return .settled(status) }
            let owner = try row.decode("claimed_by", as: String?.self)
            if let owner {
                if owner == instance { return .inFlight }
                if try await Self.isAlive(owner, on: transaction) { return .inFlight }
            }
            try await transaction.query(
                """
                UPDATE outbound_deliveries SET claimed_by = \(instance), updated_at = now()
                WHERE tenant_id = \(tenant) AND request_id = \(requestID) AND recipient_index = \(recipient)
                """)
            return .reclaimed
        }
    }

    /// Whether the sender process `instance` still holds its liveness lock: the lock is tried
    /// and, when it was free (the process is gone), released again in the same statement.
    static func isAlive(_ instance: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            SELECT CASE WHEN pg_try_advisory_lock(hashtextextended(\(instance), 0))
                        THEN NOT pg_advisory_unlock(hashtextextended(\(instance), 0))
                        ELSE true END
            """)
        return try rows[0].decode(0, as: Bool.self)
    }

    /// Counts one SMTP attempt for a claimed recipient.
    public func countAttempt(tenant: String, requestID: String, recipient: String) async throws {
        try await pool.query(
            """
            UPDATE outbound_deliveries SET attempts = attempts + 1, updated_at = now()
            WHERE tenant_id = \(tenant) AND request_id = \(requestID) AND recipient_index = \(recipient)
            """)
    }

    /// Records the outcome of a claimed recipient.
    public func record(_ status: Status, tenant: String, requestID: String, recipient: String, reply: SMTPReply?) async throws {
        try await pool.query(
            """
            INSERT INTO outbound_deliveries (tenant_id, request_id, recipient_index, status, reply_code, reply_text)
            VALUES (\(tenant), \(requestID), \(recipient), \(status.rawValue), \(reply?.code), \(reply?.text))
            ON CONFLICT (tenant_id, request_id, recipient_index) DO UPDATE
                SET status = EXCLUDED.status, reply_code = EXCLUDED.reply_code, reply_text = EXCLUDED.reply_text, updated_at = now()
            """)
    }

    /// Makes the `uncertain` rows of a request sendable again (`failed`), for an operator's forced
    /// replay; returns how many there were.
    @discardableResult
    public func releaseUncertain(tenant: String, requestID: String) async throws -> Int {
        try await pool.query(
            """
            UPDATE outbound_deliveries SET status = 'failed', updated_at = now()
            WHERE tenant_id = \(tenant) AND request_id = \(requestID) AND status = 'uncertain'
            """
        ).affectedRows
    }

    /// A PostgreSQL array literal of `values` (each quoted and escaped), bound as one parameter.
    static func textArray(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }
}
