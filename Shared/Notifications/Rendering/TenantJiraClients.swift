import Jira
import Logging
import Synchronization
import Tenancy

/// One `JiraClient` per tenant, made from the tenant's row (base URL, opened shared secret) and
/// kept with the row for `lifetime`: a re-install with a new secret, or an uninstall, is picked up
/// within it, and a burst of one tenant's events costs one query.
public final class TenantJiraClients: Sendable {
    private struct Entry {
        var client: JiraClient
        var record: TenantRecord
        var madeAt: ContinuousClock.Instant
    }

    private let directory: TenantDirectory
    private let appKey: String
    private let limiter: JiraRequestLimiter
    private let configuration: JiraClient.Configuration
    private let lifetime: Duration
    private let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])

    /// - Parameter limiter: shared by every client of the process: the per-site request bound.
    public init(
        directory: TenantDirectory, appKey: String, limiter: JiraRequestLimiter,
        configuration: JiraClient.Configuration = .init(), lifetime: Duration = .seconds(10), logger: Logger
    ) {
        self.directory = directory
        self.appKey = appKey
        self.limiter = limiter
        self.configuration = configuration
        self.lifetime = lifetime
        self.logger = logger
    }

    /// The tenant's client and row.
    /// - Throws: `NotificationError` when the tenant is unknown or not installed and enabled.
    public func client(for tenant: String) async throws -> (JiraClient, TenantRecord) {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[tenant] }), now - entry.madeAt < lifetime {
            return (entry.client, entry.record)
        }
        guard let record = try await directory.tenant(id: tenant) else {
            entries.withLock { $0[tenant] = nil }
            throw NotificationError("tenant \(tenant) is unknown")
        }
        guard record.state == .enabled || record.state == .installed else {
            entries.withLock { $0[tenant] = nil }
            throw NotificationError("tenant \(tenant) is \(record.state.rawValue)")
        }
        let secret = try await directory.sharedSecret(of: record)
        let site = JiraSite(baseURL: record.baseURL, authentication: .connect(appKey: appKey, sharedSecret: secret.revealed))
        let client = JiraClient(site: site, configuration: configuration, limiter: limiter, logger: logger)
        entries.withLock { $0[tenant] = Entry(client: client, record: record, madeAt: now) }
        return (client, record)
    }
}
