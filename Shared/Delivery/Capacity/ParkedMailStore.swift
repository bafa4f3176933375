import Encryption
import Foundation
import Messaging
import Postgres

/// `parked_mail`: requests the sender could not send for lack of capacity, sealed, in the order
/// they were parked, until ``ParkedMailReleaser`` produces them again.
public struct ParkedMailStore: Sendable {
    /// One waiting request, opened.
    public struct Parked: Sendable, Equatable {
        public var id: Int
        /// The request, restricted to the recipients still to be served.
        public var request: OutboundMailRequest
        /// Messages and bytes releasing it will use.
        public var messages: Int
        public var bytes: Int
        public var reason: String
        public var parkedAt: Date
    }

    /// The sealing purpose of `parked_mail.sealed_request`.
    static let purpose = "parked_mail.request"

    private let pool: PostgresPool
    private let cipher: TenantCipher
    private let blindIndex: BlindIndex

    public init(pool: PostgresPool, cipher: TenantCipher, blindIndex: BlindIndex) {
        self.pool = pool
        self.cipher = cipher
        self.blindIndex = blindIndex
    }

    /// Parks `request` for `recipients`. Parking the same request for the same recipients again
    /// while it waits changes nothing (a redelivered `mail.outbound` record).
    /// - Returns: whether a new row was stored.
    /// - Throws: `DeliveryError` when `recipients` is empty or the tenant has no `tenants` row.
    @discardableResult
    public func park(_ request: OutboundMailRequest, recipients: [String], reason: String) async throws -> Bool {
        guard !recipients.isEmpty else {
            throw DeliveryError("parking request \(request.requestID) of tenant \(request.tenant): no recipients left to park")
        }
        var remaining = request
        remaining.recipients = recipients
        let sealed = try await cipher.seal(try TopicRecordCoding.encode(remaining), tenant: request.tenant, purpose: Self.purpose)
        let token = blindIndex.token(
            for: recipients.map(BlindIndex.normalize).sorted().joined(separator: "\n"), tenant: request.tenant)
        do {
            let rows = try await pool.query(
                """
                INSERT INTO parked_mail (tenant_id, request_id, recipients_token, sealed_request, messages, bytes, reason)
                VALUES (\(request.tenant), \(request.requestID), \(token), \(PostgresBytes(sealed)), \(recipients.count),
                        \(request.byteCount * recipients.count), \(reason))
                ON CONFLICT (tenant_id, request_id, recipients_token) WHERE released_at IS NULL DO NOTHING
                """)
            return rows.affectedRows == 1
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw DeliveryError("parking request \(request.requestID): tenant \(request.tenant) has no tenants row")
        }
    }

    /// The tenant's unreleased requests, oldest first (at most `limit`).
    public func waiting(tenant: String, limit: Int = 500) async throws -> [Parked] {
        let rows = try await pool.query(
            """
            SELECT id, sealed_request, messages, bytes, reason, parked_at FROM parked_mail
            WHERE tenant_id = \(tenant) AND released_at IS NULL ORDER BY id LIMIT \(limit)
            """)
        var parked = [Parked]()
        for row in rows {
            let id = try row.decode(0, as: Int.self)
            let sealed = try row.decode(1, as: PostgresBytes.self)
            let json: [UInt8]
            do {
                json = try await cipher.open(sealed.bytes, tenant: tenant, purpose: Self.purpose)
            } catch {
                throw DeliveryError("parked mail \(id) of tenant \(tenant) does not open: \(error)")
            }
            parked.append(
                Parked(
                    id: id, request: try TopicRecordCoding.decode(OutboundMailRequest.self, from: json),
                    messages: try row.decode(2, as: Int.self), bytes: try row.decode(3, as: Int.self),
                    reason: try row.decode(4, as: String.self), parkedAt: try row.decode(5, as: Date.self)))
        }
        return parked
    }

    /// The messages and bytes each of the tenant's unreleased requests needs, oldest first:
    /// enough to decide how many fit without opening any.
    public func waitingSizes(tenant: String, limit: Int = 500) async throws -> [(messages: Int, bytes: Int)] {
        try await pool.query(
            """
            SELECT messages, bytes FROM parked_mail
            WHERE tenant_id = \(tenant) AND released_at IS NULL ORDER BY id LIMIT \(limit)
            """
        ).map { (messages: try $0.decode(0, as: Int.self), bytes: try $0.decode(1, as: Int.self)) }
    }

    /// How many requests of the tenant wait.
    public func waitingCount(tenant: String) async throws -> Int {
        try await pool.query("SELECT count(*) FROM parked_mail WHERE tenant_id = \(tenant) AND released_at IS NULL")[0]
            .decode(0, as: Int.self)
    }

    /// The tenants with requests waiting.
    public func tenantsWaiting() async throws -> [String] {
        try await pool.query("SELECT DISTINCT tenant_id FROM parked_mail WHERE released_at IS NULL ORDER BY tenant_id")
            .map { try $0.decode(0, as: String.self) }
    }
}
