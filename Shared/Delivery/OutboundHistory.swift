import Encryption
import Foundation
import Messaging
import Postgres

/// The `outbound_history` table, the outbound audit: one row per recipient outcome of a request,
/// its recipients and subject sealed with the tenant's key (purpose ``purpose``).
public struct OutboundHistory: Sendable {
    /// The sealing purpose of `sealed_recipients` and `sealed_subject`.
    public static let purpose = "outbound-history"

    /// An audited outcome.
    public enum Status: String, Sendable, Codable {
        case sent, suppressed, failed, uncertain, parked
    }

    /// One row, opened.
    public struct Entry: Sendable, Equatable {
        public var requestID: String
        public var issueKey: String?
        public var recipients: [String]
        public var subject: String
        public var status: Status
        public var reply: SMTPReply?
        public var objectKey: String
        public var createdAt: Date
    }

    private let pool: PostgresPool
    private let cipher: TenantCipher

    public init(pool: PostgresPool, cipher: TenantCipher) {
        self.pool = pool
        self.cipher = cipher
    }

    /// Appends the outcome `status` of `request` for `recipients`.
    public func append(_ request: OutboundMailRequest, recipients: [String], status: Status, reply: SMTPReply?) async throws {
        let sealedRecipients = try await cipher.seal(try TopicRecordCoding.encode(recipients), tenant: request.tenant, purpose: Self.purpose)
        let sealedSubject = try await cipher.seal(request.subject, tenant: request.tenant, purpose: Self.purpose)
        try await pool.query(
            """
            INSERT INTO outbound_history (tenant_id, request_id, issue_key, sealed_recipients, sealed_subject, status, reply_code, reply_text, object_key)
            VALUES (\(request.tenant), \(request.requestID), \(request.issueKey), \(PostgresBytes(sealedRecipients)), \(PostgresBytes(sealedSubject)),
                    \(status.rawValue), \(reply?.code), \(reply?.text), \(request.objectKey))
            """)
    }

    /// The tenant's rows for `requestID`, oldest first, opened.
    public func entries(tenant: String, requestID: String) async throws -> [Entry] {
        let rows = try await pool.query(
            """
            SELECT request_id, issue_key, sealed_recipients, sealed_subject, status, reply_code, reply_text, object_key, created_at
            FROM outbound_history WHERE tenant_id = \(tenant) AND request_id = \(requestID) ORDER BY id
            """)
        var entries = [Entry]()
        for row in rows {
            let recipients = try TopicRecordCoding.decode(
                [String].self,
                from: try await cipher.open(try row.decode("sealed_recipients", as: PostgresBytes.self).bytes, tenant: tenant, purpose: Self.purpose))
            let subject = try await cipher.openText(try row.decode("sealed_subject", as: PostgresBytes.self).bytes, tenant: tenant, purpose: Self.purpose)
            let statusText = try row.decode("status", as: String.self)
            guard let status = Status(rawValue: statusText) else { throw DeliveryError("outbound_history holds unknown status \"\(statusText)\"") }
            let replyText = try row.decode("reply_text", as: String?.self)
            entries.append(
                Entry(
                    requestID: try row.decode("request_id"), issueKey: try row.decode("issue_key", as: String?.self), recipients: recipients,
                    subject: subject, status: status,
                    reply: replyText.map { SMTPReply(code: try? row.decode("reply_code", as: Int?.self) ?? nil, text: $0) },
                    objectKey: try row.decode("object_key"), createdAt: try row.decode("created_at")))
        }
        return entries
    }
}
