import Foundation
import Postgres

/// The renderer's audit (`notification_renders`): what became of each event, with recipients
/// counted, never listed (the sender's `outbound_history` keeps who got what, sealed).
public struct RenderAudit: Sendable {
    /// What became of an event.
    public enum Outcome: String, Sendable, Equatable {
        /// A mail was stored and handed to the sender.
        case rendered
        /// The project has no notification scheme (the webhook service's cache was older).
        case noScheme = "no-scheme"
        /// The scheme has no rule for this event, issue type or change.
        case noRule = "no-rule"
        /// The rules named only people without a visible address (or only the actor).
        case noRecipient = "no-recipient"
    }

    /// How long rows are kept: 30 days, like the sent mail they describe.
    public static let retention: TimeInterval = 30 * 86_400

    private let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Records an event's outcome once; a replay of the same event keeps the first row.
    public func record(
        tenant: String, eventID: String, issueKey: String?, outcome: Outcome, recipientCount: Int = 0, hiddenAccounts: [String] = [],
        objectKey: String? = nil
    ) async throws {
        let hidden = hiddenAccounts.joined(separator: ",")
        _ = try await pool.query(
            """
            INSERT INTO notification_renders (tenant_id, event_id, issue_key, outcome, recipient_count, hidden_accounts, object_key)
            VALUES (\(tenant), \(eventID), \(issueKey), \(outcome.rawValue), \(recipientCount), \(hidden), \(objectKey))
            ON CONFLICT (tenant_id, event_id) DO NOTHING
            """)
    }

    /// The recorded outcome of an event, with the hidden account ids.
    public func outcome(tenant: String, eventID: String) async throws -> (Outcome, recipientCount: Int, hiddenAccounts: [String])? {
        let rows = try await pool.query(
            "SELECT outcome, recipient_count, hidden_accounts FROM notification_renders WHERE tenant_id = \(tenant) AND event_id = \(eventID)")
        guard rows.count > 0 else { return nil }
        let text = try rows[0].decode(0, as: String.self)
        guard let outcome = Outcome(rawValue: text) else { throw NotificationError("notification_renders: unknown outcome \(text)") }
        let hidden = try rows[0].decode(2, as: String.self)
        return (outcome, try rows[0].decode(1, as: Int.self), hidden.isEmpty ? [] : hidden.split(separator: ",").map(String.init))
    }

    /// Deletes rows recorded before `cutoff` (retention: 30 days) and returns how many.
    @discardableResult
    public func purge(before cutoff: Date) async throws -> Int {
        try await pool.query("DELETE FROM notification_renders WHERE created_at < \(cutoff) RETURNING 1").count
    }
}
