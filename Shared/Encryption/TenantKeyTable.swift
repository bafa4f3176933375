import Postgres

/// The SQL for the `tenant_keys` table (migration `0001_tenant_keys.sql`). Rows hold wrapped
/// keys only; wrapping and unwrapping happen in `TenantKeyStore`.
///
/// Creating, rotating and shredding a tenant's keys each run in a transaction holding a
/// per-tenant advisory lock, so they never interleave; the partial unique index
/// `tenant_keys_one_active` is the backstop that keeps one active key per tenant.
struct TenantKeyTable: Sendable {
    let pool: PostgresPool

    /// One stored key.
    struct Row: Sendable {
        let keyID: String
        let kekID: String
        let wrappedKey: [UInt8]
    }

    /// The first half of the advisory lock key ("mbtk"); the second is `hashtext(tenant_id)`.
    private static let lockClass: Int32 = 0x6D62_746B

    /// The tenant's active key, if it has one.
    func activeRow(tenant: String) async throws -> Row? {
        try await pool.query(
            "SELECT key_id, kek_id, wrapped_key FROM tenant_keys WHERE tenant_id = \(tenant) AND retired_at IS NULL"
        ).first.map(Self.row)
    }

    /// The tenant's key `keyID`, active or retired, if it exists.
    func row(tenant: String, keyID: String) async throws -> Row? {
        try await pool.query(
            "SELECT key_id, kek_id, wrapped_key FROM tenant_keys WHERE tenant_id = \(tenant) AND key_id = \(keyID)"
        ).first.map(Self.row)
    }

    /// Inserts `candidate` as the tenant's active key unless it already has one, which is then
    /// returned instead. Concurrent callers (any process) end with exactly one active key.
    func insertActiveIfNone(tenant: String, candidate: Row) async throws -> (row: Row, created: Bool) {
        try await pool.withTransaction { connection -> (row: Row, created: Bool) in
            try await Self.lock(tenant: tenant, on: connection)
            if let existing = try await connection.query(
                "SELECT key_id, kek_id, wrapped_key FROM tenant_keys WHERE tenant_id = \(tenant) AND retired_at IS NULL"
            ).first.map(Self.row) {
                return (existing, false)
            }
            try await Self.insert(tenant: tenant, row: candidate, on: connection)
            return (candidate, true)
        }
    }

    /// Retires the tenant's active key (if any) and makes `replacement` active, atomically.
    func rotate(tenant: String, replacement: Row) async throws {
        try await pool.withTransaction { connection in
            try await Self.lock(tenant: tenant, on: connection)
            try await connection.query("UPDATE tenant_keys SET retired_at = now() WHERE tenant_id = \(tenant) AND retired_at IS NULL")
            try await Self.insert(tenant: tenant, row: replacement, on: connection)
        }
    }

    /// Deletes every key of the tenant and returns how many there were.
    func deleteAll(tenant: String) async throws -> Int {
        try await pool.withTransaction { connection in
            try await Self.lock(tenant: tenant, on: connection)
            return try await connection.query("DELETE FROM tenant_keys WHERE tenant_id = \(tenant)").affectedRows
        }
    }

    /// Up to `limit` keys wrapped with `kekID`, in a stable order.
    func rows(wrappedWith kekID: String, limit: Int) async throws -> [(tenant: String, row: Row)] {
        try await pool.query(
            """
            SELECT tenant_id, key_id, kek_id, wrapped_key FROM tenant_keys WHERE kek_id = \(kekID)
            ORDER BY tenant_id, key_id LIMIT \(limit)
            """
        ).map { row -> (tenant: String, row: Row) in (try row.decode("tenant_id", as: String.self), try Self.row(row)) }
    }

    /// Replaces a key's wrapping, only if it is still wrapped with `previousKEK`.
    func replaceWrapping(tenant: String, keyID: String, previousKEK: String, with row: Row) async throws {
        try await pool.query(
            """
            UPDATE tenant_keys SET wrapped_key = \(PostgresBytes(row.wrappedKey)), kek_id = \(row.kekID)
            WHERE tenant_id = \(tenant) AND key_id = \(keyID) AND kek_id = \(previousKEK)
            """)
    }

    /// How many keys each KEK version wraps.
    func keyCountsByKEK() async throws -> [String: Int] {
        var counts = [String: Int]()
        for row in try await pool.query("SELECT kek_id, count(*) FROM tenant_keys GROUP BY kek_id") {
            counts[try row.decode(0, as: String.self)] = try row.decode(1, as: Int.self)
        }
        return counts
    }

    private static func lock(tenant: String, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockClass), hashtext(\(tenant)))")
    }

    private static func insert(tenant: String, row: Row, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO tenant_keys (tenant_id, key_id, kek_id, wrapped_key)
            VALUES (\(tenant), \(row.keyID), \(row.kekID), \(PostgresBytes(row.wrappedKey)))
            """)
    }

    private static func row(_ row: PostgresRow) throws -> Row {
        Row(
            keyID: try row.decode("key_id", as: String.self), kekID: try row.decode("kek_id", as: String.self),
            wrappedKey: try row.decode("wrapped_key", as: PostgresBytes.self).bytes)
    }
}
