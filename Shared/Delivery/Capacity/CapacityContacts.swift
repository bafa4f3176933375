import Encryption
import Foundation
import Mail
import Postgres

/// The addresses usage alerts go to: a tenant's billing contacts and its system-notification
/// addresses. Each address is sealed with the tenant's key and found by its `BlindIndex` token,
/// so it is stored once per tenant and never in clear.
public struct CapacityContacts: Sendable {
    /// Which list an address belongs to.
    public enum Kind: String, Sendable, CaseIterable {
        /// `billing_contacts`: kept one year after it was last added (DESIGN §6).
        case billing
        /// `system_notification_addresses`: kept as long as the tenant.
        case system

        var table: String {
            switch self {
            case .billing: "billing_contacts"
            case .system: "system_notification_addresses"
            }
        }

        var purpose: String { table + ".address" }
    }

    private let pool: PostgresPool
    private let cipher: TenantCipher
    private let blindIndex: BlindIndex

    public init(pool: PostgresPool, cipher: TenantCipher, blindIndex: BlindIndex) {
        self.pool = pool
        self.cipher = cipher
        self.blindIndex = blindIndex
    }

    /// Adds `address` (trimmed, lower-cased) to the tenant's `kind` list; adding it again renews
    /// its `created_at` (and so its retention) and changes nothing else.
    /// - Throws: `DeliveryError` when `MailBuilder` would not accept the address (so an alert
    ///   can always be built), or the tenant has no `tenants` row; `PostgresError`, `EncryptionError`.
    public func add(_ address: String, kind: Kind, tenant: String) async throws {
        let normalized = BlindIndex.normalize(address)
        do {
            let probe = OutboundMail(from: MailAddress(address: normalized), to: [], subject: "")
            _ = try MailBuilder(messageIDDomain: "contacts.invalid", origin: "mailbridge").build(probe, date: Date())
        } catch {
            throw DeliveryError("contacts: not a usable email address: \(error)")
        }
        let sealed = try await cipher.seal(normalized, tenant: tenant, purpose: kind.purpose)
        let token = blindIndex.token(for: normalized, tenant: tenant)
        do {
            try await pool.query(
                """
                INSERT INTO \(identifier: kind.table) (tenant_id, address_index, sealed_address)
                VALUES (\(tenant), \(token), \(PostgresBytes(sealed)))
                ON CONFLICT (tenant_id, address_index) DO UPDATE SET created_at = now()
                """)
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw DeliveryError("contacts: tenant \(tenant) has no tenants row")
        }
    }

    /// Removes `address` from the tenant's `kind` list.
    /// - Returns: whether it was there.
    @discardableResult
    public func remove(_ address: String, kind: Kind, tenant: String) async throws -> Bool {
        let token = blindIndex.token(for: address, tenant: tenant)
        let rows = try await pool.query(
            "DELETE FROM \(identifier: kind.table) WHERE tenant_id = \(tenant) AND address_index = \(token)")
        return rows.affectedRows > 0
    }

    /// The tenant's `kind` addresses, opened, sorted.
    public func list(kind: Kind, tenant: String) async throws -> [String] {
        let rows = try await pool.query(
            "SELECT sealed_address FROM \(identifier: kind.table) WHERE tenant_id = \(tenant)")
        var addresses = [String]()
        for row in rows {
            let sealed = try row.decode(0, as: PostgresBytes.self)
            addresses.append(try await cipher.openText(sealed.bytes, tenant: tenant, purpose: kind.purpose))
        }
        return addresses.sorted()
    }

    /// Every address usage alerts go to: billing contacts and system-notification addresses,
    /// each once.
    public func alertRecipients(tenant: String) async throws -> [String] {
        var all = Set<String>()
        for kind in Kind.allCases { all.formUnion(try await list(kind: kind, tenant: tenant)) }
        return all.sorted()
    }
}
