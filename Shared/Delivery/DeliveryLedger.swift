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
        /// Found in `sending` by a later run: the mail may or may not have gone out. Never sent
        /// again unless an operator replays with `--force`.
        case uncertain

        /// Whether the recipient's fate is settled: a replay leaves it alone.
        public var isSettled: Bool { self != .failed }
    }

    /// What ``claim(tenant:requestID:recipient:)`` found.
    public enum Claim: Sendable, Equatable {
        /// The row is now `sending`: send.
        case claimed
        /// A row in `sending` was found (a crash between the send and its record): it is now
        /// `uncertain` and must not be sent.
        case becameUncertain
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

    /// Claims a recipient for sending: a new row, or a `failed` one (a replay from the DLQ), becomes
    /// `sending`; a `sending` one becomes `uncertain`; anything else is left as it is.
    public func claim(tenant: String, requestID: String, recipient: String) async throws -> Claim {
        try await pool.withTransaction { transaction in
            let claimed = try await transaction.query(
                """
                INSERT INTO outbound_deliveries (tenant_id, request_id, recipient_index, status)
                VALUES (\(tenant), \(requestID), \(recipient), 'sending')
                ON CONFLICT (tenant_id, request_id, recipient_index) DO UPDATE
                    SET status = 'sending', reply_code = NULL, reply_text = NULL, updated_at = now()
                    WHERE outbound_deliveries.status = 'failed'
                RETURNING status
                """)
            if !claimed.isEmpty { return .claimed }
            let rows = try await transaction.query(
                """
                SELECT status FROM outbound_deliveries
                WHERE tenant_id = \(tenant) AND request_id = \(requestID) AND recipient_index = \(recipient) FOR UPDATE
                """)
            guard let text = try rows.first?.decode("status", as: String.self), let status = Status(rawValue: text) else {
                throw DeliveryError("outbound_deliveries: the row of request \(requestID) vanished or holds an unknown status")
            }
            if status == .sending {
                try await transaction.query(
                    """
                    UPDATE outbound_deliveries SET status = 'uncertain', updated_at = now()
                    WHERE tenant_id = \(tenant) AND request_id = \(requestID) AND recipient_index = \(recipient)
                    """)
                return .becameUncertain
            }
            return .settled(status)
        }
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
