import Foundation
import Postgres

/// Notification schemes in Postgres (`notification_scheme_documents`), one per (tenant, project).
///
/// Saving a scheme rewrites the project's rows of `notification_schemes` in the same transaction,
/// so the webhook service's early drop (which reads that table every few seconds) keeps exactly
/// the webhook events some rule of the scheme can use.
public struct SchemeStore: Sendable {
    private let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Stores `scheme` for `tenant`, replacing the project's previous scheme.
    /// - Throws: `NotificationError` when the scheme is invalid (nothing is stored), or a
    ///   `PostgresError` (e.g. an unknown tenant).
    public func save(_ scheme: NotificationScheme, tenant: String) async throws {
        try scheme.validate()
        let document = String(decoding: try Self.encode(scheme), as: UTF8.self)
        let project = scheme.project
        let events = scheme.webhookEvents.sorted()
        try await pool.withTransaction { connection in
            _ = try await connection.query(
                """
                INSERT INTO notification_scheme_documents (tenant_id, project_key, document)
                VALUES (\(tenant), \(project), \(document)::jsonb)
                ON CONFLICT (tenant_id, project_key) DO UPDATE SET document = excluded.document, updated_at = now()
                """)
            _ = try await connection.query("DELETE FROM notification_schemes WHERE tenant_id = \(tenant) AND project_key = \(project)")
            for event in events {
                _ = try await connection.query(
                    "INSERT INTO notification_schemes (tenant_id, project_key, event) VALUES (\(tenant), \(project), \(event))")
            }
        }
    }

    /// The scheme of `project`, or `nil` when the project has none.
    /// - Throws: `NotificationError` when the stored document no longer reads (named), or a `PostgresError`.
    public func scheme(tenant: String, project: String) async throws -> NotificationScheme? {
        let rows = try await pool.query(
            "SELECT document::text FROM notification_scheme_documents WHERE tenant_id = \(tenant) AND project_key = \(project)")
        guard rows.count > 0 else { return nil }
        return try Self.decode(try rows[0].decode(0, as: String.self), tenant: tenant, project: project)
    }

    /// Every scheme of `tenant`, by project key.
    public func schemes(tenant: String) async throws -> [NotificationScheme] {
        let rows = try await pool.query(
            "SELECT project_key, document::text FROM notification_scheme_documents WHERE tenant_id = \(tenant) ORDER BY project_key")
        var schemes = [NotificationScheme]()
        for row in rows {
            schemes.append(try Self.decode(try row.decode(1, as: String.self), tenant: tenant, project: try row.decode(0, as: String.self)))
        }
        return schemes
    }

    /// Removes the scheme of `project` and its early-drop rows; `true` when there was one.
    @discardableResult
    public func delete(tenant: String, project: String) async throws -> Bool {
        try await pool.withTransaction { connection in
            _ = try await connection.query("DELETE FROM notification_schemes WHERE tenant_id = \(tenant) AND project_key = \(project)")
            let rows = try await connection.query(
                "DELETE FROM notification_scheme_documents WHERE tenant_id = \(tenant) AND project_key = \(project) RETURNING project_key")
            return rows.count > 0
        }
    }

    /// The JSON `export` writes: `{"schemes": [...]}` with sorted keys.
    public static func exportJSON(_ schemes: [NotificationScheme]) throws -> [UInt8] {
        try encode(SchemeList(schemes: schemes), pretty: true)
    }

    static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    private static func decode(_ document: String, tenant: String, project: String) throws -> NotificationScheme {
        do {
            return try JSONDecoder().decode(NotificationScheme.self, from: Data(document.utf8))
        } catch {
            throw NotificationError("the stored scheme of tenant \(tenant), project \(project) does not read: \(error)")
        }
    }
}
