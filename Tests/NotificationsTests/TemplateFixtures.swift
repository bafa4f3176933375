import Foundation
import Logging
import Notifications
import Postgres
import TestSupport

/// Views, events and a database for the template tests (names prefixed so they never clash
/// with other suites of this target).
enum TemplateFixtures {
    /// A view of `kind` with every part filled.
    static func view(_ kind: NotificationEventKind, summary: String = "Printer on fire", comment: String = "Have you tried turning it off?")
        -> NotificationView
    {
        NotificationView(
            site: .init(name: "acme.atlassian.net", baseURL: "https://acme.atlassian.net"),
            project: .init(key: "ACME", name: "Acme Operations"),
            issue: .init(
                key: "ACME-7", summary: summary, type: "Bug", status: kind == .resolved ? "Done" : "In Progress",
                url: "https://acme.atlassian.net/browse/ACME-7", descriptionText: "The printer in room 4 is on fire.\nPlease help."),
            event: .init(kind: kind, headline: "Ada Lovelace \(kind.rawValue) ACME-7"),
            actorName: "Ada Lovelace",
            changes: kind == .assigned ? [.init(field: "assignee", from: nil, to: "Bob Builder")] : kind == .resolved
                ? [.init(field: "resolution", from: nil, to: "Done"), .init(field: "status", from: "In Progress", to: "Done")] : [],
            comment: kind == .commented ? .init(author: "Grace Hopper", text: comment) : nil,
            attachments: kind == .created
                ? [
                    .init(filename: "photo.jpg", byteCount: 12_800, attached: true),
                    .init(filename: "video.mp4", byteCount: 52_428_800, attached: false, link: "https://acme.atlassian.net/secure/attachment/10/video.mp4"),
                ] : [],
            footer: "You are the reporter of this issue.")
    }

    /// A quiet logger.
    static func logger() -> Logger {
        var logger = Logger(label: "template-tests")
        logger.logLevel = .warning
        return logger
    }

    /// A migrated pool on the stack's database, closed after `body` (also when it throws).
    static func withPool<T>(_ body: (PostgresPool) async throws -> T) async throws -> T {
        let pool = PostgresPool(
            configuration: PostgresConfiguration(
                connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"), minimumConnections: 0, maximumConnections: 2),
            logger: logger())
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            try await PostgresMigrator(pool: pool, logger: logger()).migrate(migrations)
            let value = try await body(pool)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Inserts a bare tenant row (no keys: these tests store nothing sealed) and returns its id.
    static func insertTenant(_ pool: PostgresPool, state: String = "installed") async throws -> String {
        let tenant = TestEnvironment.uniqueName("tpl-tenant")
        let uninstalledAt: String? = state == "uninstalled" ? "2000-01-01T00:00:00Z" : nil
        try await pool.query(
            """
            INSERT INTO tenants (tenant_id, client_key, base_url, product_type, sealed_shared_secret, state, uninstalled_at)
            VALUES (\(tenant), \(tenant), 'https://acme.atlassian.net', 'jira', '\\x00'::bytea, \(state), \(uninstalledAt)::timestamptz)
            """)
        return tenant
    }
}
