/// One leased database connection. Obtain it from `PostgresPool.withConnection`; it is yours
/// alone until the closure returns, so statements on it run in order.
public struct PostgresConnection: Sendable {
    let handle: PostgresConnectionHandle

    /// Runs one statement; interpolated values are sent as parameters.
    /// - Throws: `PostgresError`, with the SQLSTATE when the server rejected the statement.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await handle.execute(query)
    }

    /// Runs `body` inside `BEGIN` … `COMMIT`; rolls back and rethrows when `body` throws.
    @discardableResult
    public func withTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await query("BEGIN")
        do {
            let value = try await body(self)
            try await query("COMMIT")
            return value
        } catch {
            // A failed rollback means the connection is gone; the pool discards it on release.
            _ = try? await query("ROLLBACK")
            throw error
        }
    }
}
