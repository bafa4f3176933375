import Encryption
import Postgres

/// Sandbox mode per tenant (`tenant_sandbox`, `sandbox_allowlist`): when on, only allowlisted
/// recipients receive the tenant's mail; the others are recorded as suppressed. Addresses are
/// found by their ``BlindIndex`` token and kept sealed (purpose ``purpose``) for listing.
public struct SandboxStore: Sendable {
    /// The sealing purpose of allowlisted addresses.
    public static let purpose = "sandbox-address"

    private let pool: PostgresPool
    private let cipher: TenantCipher
    private let index: BlindIndex

    public init(pool: PostgresPool, cipher: TenantCipher, index: BlindIndex) {
        self.pool = pool
        self.cipher = cipher
        self.index = index
    }

    /// Turns the tenant's sandbox on or off.
    public func setEnabled(_ enabled: Bool, tenant: String) async throws {
        try await pool.query(
            """
            INSERT INTO tenant_sandbox (tenant_id, enabled) VALUES (\(tenant), \(enabled))
            ON CONFLICT (tenant_id) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()
            """)
    }

    /// Adds `address` to the tenant's allowlist (again: no change).
    public func allow(_ address: String, tenant: String) async throws {
        let sealed = try await cipher.seal(BlindIndex.normalize(address), tenant: tenant, purpose: Self.purpose)
        try await pool.query(
            """
            INSERT INTO sandbox_allowlist (tenant_id, address_index, sealed_address)
            VALUES (\(tenant), \(index.token(for: address, tenant: tenant)), \(PostgresBytes(sealed)))
            ON CONFLICT (tenant_id, address_index) DO NOTHING
            """)
    }

    /// Removes `address` from the allowlist; returns whether it was there.
    @discardableResult
    public func disallow(_ address: String, tenant: String) async throws -> Bool {
        try await pool.query(
            "DELETE FROM sandbox_allowlist WHERE tenant_id = \(tenant) AND address_index = \(index.token(for: address, tenant: tenant))"
        ).affectedRows > 0
    }

    /// Whether the tenant's sandbox is on, and the allowlist (opened, normalised addresses).
    public func state(tenant: String) async throws -> (enabled: Bool, allowlist: [String]) {
        let enabled = try await pool.query("SELECT enabled FROM tenant_sandbox WHERE tenant_id = \(tenant)").first?.decode(0, as: Bool.self) ?? false
        var addresses = [String]()
        for row in try await pool.query("SELECT sealed_address FROM sandbox_allowlist WHERE tenant_id = \(tenant)") {
            addresses.append(try await cipher.openText(try row.decode(0, as: PostgresBytes.self).bytes, tenant: tenant, purpose: Self.purpose))
        }
        return (enabled, addresses.sorted())
    }

    /// Of `recipients` (blind-index tokens), those the sandbox lets through: all of them when
    /// the sandbox is off.
    public func permitted(tenant: String, recipients: Set<String>) async throws -> Set<String> {
        let rows = try await pool.query(
            """
            SELECT s.enabled, a.address_index FROM tenant_sandbox s
            LEFT JOIN sandbox_allowlist a ON a.tenant_id = s.tenant_id AND a.address_index = ANY(\(DeliveryLedger.textArray(Array(recipients)))::text[])
            WHERE s.tenant_id = \(tenant)
            """)
        guard let first = rows.first, try first.decode(0, as: Bool.self) else { return recipients }
        return Set(try rows.compactMap { try $0.decode(1, as: String?.self) })
    }
}
