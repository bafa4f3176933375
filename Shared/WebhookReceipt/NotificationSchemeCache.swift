import Logging
import Postgres
import ServiceLifecycle
import Synchronization

/// Which (tenant, project, event) combinations have an enabled notification scheme, read from
/// `notification_schemes` and re-read every `refreshInterval`, so a configuration change is
/// seen by the early drop within that interval (plus one query).
///
/// Until the first load succeeds `applies` answers `nil` (unknown): the webhook endpoint then
/// answers 503 so Jira retries, rather than dropping an event it should have kept. After a failed
/// refresh the last loaded set stays in use and the failure is logged.
public final class NotificationSchemeCache: Service, Sendable {
    /// One combination.
    public struct Key: Sendable, Hashable {
        public var tenant: String
        public var projectKey: String
        public var event: String

        public init(tenant: String, projectKey: String, event: String) {
            self.tenant = tenant
            self.projectKey = projectKey
            self.event = event
        }
    }

    private let pool: PostgresPool
    private let refreshInterval: Duration
    private let logger: Logger
    private let loaded = Mutex<Set<Key>?>(nil)

    public init(pool: PostgresPool, refreshInterval: Duration = .seconds(2), logger: Logger) {
        self.pool = pool
        self.refreshInterval = refreshInterval
        self.logger = logger
    }

    /// Whether a notification applies: `nil` before the first successful load.
    public func applies(_ key: Key) -> Bool? {
        loaded.withLock { $0?.contains(key) }
    }

    /// Whether the first load has happened (a readiness check).
    public var isLoaded: Bool { loaded.withLock { $0 != nil } }

    /// Reads the table now.
    /// - Throws: `PostgresError` when the query fails; the previous set is kept then.
    public func refresh() async throws {
        let rows = try await pool.query("SELECT tenant_id, project_key, event FROM notification_schemes WHERE enabled")
        var keys = Set<Key>()
        for row in rows {
            keys.insert(
                Key(
                    tenant: try row.decode(0, as: String.self), projectKey: try row.decode(1, as: String.self),
                    event: try row.decode(2, as: String.self)))
        }
        loaded.withLock { $0 = keys }
    }

    /// Refreshes every `refreshInterval` until graceful shutdown or cancellation.
    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    try await refresh()
                } catch {
                    logger.warning("notification schemes not refreshed; the last loaded set stays in use", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: refreshInterval)
            }
        }
    }
}
