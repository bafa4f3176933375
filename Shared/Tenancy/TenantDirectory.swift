import Encryption
import Foundation
import Postgres

/// The `tenants` table: who installed the app, where their Jira is, and their shared secret
/// (sealed by the `CredentialVault`, so it needs the tenant's data key and the credentials key).
///
/// Lifecycle events are idempotent: a replayed `installed` updates the same row (same tenant
/// id, the newest secret and base URL); a replayed state change sets the same state.
public struct TenantDirectory: Sendable {
    private let pool: PostgresPool
    private let vault: CredentialVault
    private let keys: TenantKeyStore

    /// The CredentialVault connection id under which the Connect shared secret is sealed.
    static let sharedSecretSlot = "jira-connect-shared-secret"

    public init(pool: PostgresPool, vault: CredentialVault, keys: TenantKeyStore) {
        self.pool = pool
        self.vault = vault
        self.keys = keys
    }

    /// Records an `installed` event: a new tenant, or the same tenant again with a new secret.
    /// - Returns: the stored tenant (state `installed`).
    public func recordInstall(_ event: AppLifecycleEvent) async throws -> TenantRecord {
        guard event.kind == .installed, let secret = event.sharedSecret else {
            throw TenancyError.invalidLifecycle(field: "eventType", "must be installed, with a sharedSecret")
        }
        let existing = try await tenant(clientKey: event.clientKey)
        var tenantID = existing?.tenantID ?? UUID().uuidString.lowercased()
        // Sealing needs the tenant id (the box is bound to it), so it happens before the upsert;
        // when a concurrent install of the same client key won the insert, seal again for its id.
        for _ in 0..<2 {
            let sealed = try await vault.seal(Secret(secret), tenant: tenantID, connectionID: Self.sharedSecretSlot)
            let stored = try await pool.query(
                """
                INSERT INTO tenants (tenant_id, client_key, base_url, display_url, product_type, sealed_shared_secret, state)
                VALUES (\(tenantID), \(event.clientKey), \(event.baseURL), \(event.displayURL), \(event.productType),
                        \(PostgresBytes(sealed)), 'installed')
                ON CONFLICT (client_key) DO UPDATE SET
                    base_url = EXCLUDED.base_url, display_url = EXCLUDED.display_url,
                    product_type = EXCLUDED.product_type,
                    sealed_shared_secret = CASE WHEN tenants.tenant_id = EXCLUDED.tenant_id
                        THEN EXCLUDED.sealed_shared_secret ELSE tenants.sealed_shared_secret END,
                    state = 'installed', uninstalled_at = NULL, updated_at = now()
                RETURNING \(identifier: "tenant_id")
                """
            ).first
            let storedID = try stored?.decode(0, as: String.self)
            if storedID == tenantID { break }
            tenantID = storedID ?? tenantID
        }
        guard let record = try await tenant(clientKey: event.clientKey) else { throw TenancyError.unknownClientKey }
        return record
    }

    /// Records `enabled`, `disabled` or `uninstalled` for a known tenant.
    /// - Throws: `TenancyError.unknownClientKey` when the client key was never installed.
    public func recordStateChange(_ event: AppLifecycleEvent) async throws -> TenantRecord {
        let state: TenantRecord.State
        switch event.kind {
        case .installed: return try await recordInstall(event)
        case .enabled: state = .enabled
        case .disabled: state = .disabled
        case .uninstalled: state = .uninstalled
        }
        let updated = try await pool.query(
            """
            UPDATE tenants SET state = \(state.rawValue), updated_at = now(),
                uninstalled_at = CASE WHEN \(state.rawValue) = 'uninstalled' THEN coalesce(uninstalled_at, now()) ELSE NULL END
            WHERE client_key = \(event.clientKey)
            """
        )
        guard updated.affectedRows == 1, let record = try await tenant(clientKey: event.clientKey) else {
            throw TenancyError.unknownClientKey
        }
        return record
    }

    /// The tenant that installed with `clientKey`, if any.
    public func tenant(clientKey: String) async throws -> TenantRecord? {
        try await pool.query(
            """
            SELECT tenant_id, client_key, base_url, display_url, product_type, state, installed_at, uninstalled_at
            FROM tenants WHERE client_key = \(clientKey)
            """
        ).first.map(Self.record)
    }

    /// The tenant with our id `tenantID`, if any.
    public func tenant(id tenantID: String) async throws -> TenantRecord? {
        try await pool.query(
            """
            SELECT tenant_id, client_key, base_url, display_url, product_type, state, installed_at, uninstalled_at
            FROM tenants WHERE tenant_id = \(tenantID)
            """
        ).first.map(Self.record)
    }

    /// The tenant's Connect shared secret, opened from its sealed form.
    public func sharedSecret(of tenant: TenantRecord) async throws -> Secret {
        guard let row = try await pool.query("SELECT sealed_shared_secret FROM tenants WHERE tenant_id = \(tenant.tenantID)").first else {
            throw TenancyError.unknownClientKey
        }
        let sealed = try row.decode(0, as: PostgresBytes.self).bytes
        return try await vault.open(sealed, tenant: tenant.tenantID, connectionID: Self.sharedSecretSlot)
    }

    /// Deletes tenants uninstalled before `cutoff` and shreds their keys (the purge path).
    /// - Returns: the ids of the purged tenants.
    public func purgeUninstalled(before cutoff: Date) async throws -> [String] {
        let due = try await pool.query(
            "SELECT tenant_id FROM tenants WHERE state = 'uninstalled' AND uninstalled_at < \(cutoff) ORDER BY tenant_id"
        ).map { try $0.decode(0, as: String.self) }
        var purged: [String] = []
        for tenantID in due {
            // Delete the row only if it is still uninstalled (a re-install may have raced us),
            // then shred: from here on nothing of the tenant can be decrypted.
            let deleted = try await pool.query(
                "DELETE FROM tenants WHERE tenant_id = \(tenantID) AND state = 'uninstalled' AND uninstalled_at < \(cutoff)"
            )
            guard deleted.affectedRows == 1 else { continue }
            _ = try await keys.shred(tenantID)
            purged.append(tenantID)
        }
        return purged
    }

    private static func record(_ row: PostgresRow) throws -> TenantRecord {
        let stateText = try row.decode("state", as: String.self)
        guard let state = TenantRecord.State(rawValue: stateText) else {
            throw TenancyError.invalidLifecycle(field: "state", "in the database is unknown")
        }
        return TenantRecord(
            tenantID: try row.decode("tenant_id", as: String.self),
            clientKey: try row.decode("client_key", as: String.self),
            baseURL: try row.decode("base_url", as: String.self),
            displayURL: try row.decode("display_url", as: String?.self),
            productType: try row.decode("product_type", as: String.self),
            state: state,
            installedAt: try row.decode("installed_at", as: Date.self),
            uninstalledAt: try row.decode("uninstalled_at", as: Date?.self))
    }
}
