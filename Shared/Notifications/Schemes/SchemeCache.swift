import Synchronization

/// Schemes read through a short-lived cache, so a burst of one project's events costs one query;
/// a change made with `mailbridge scheme import` is used within `lifetime`.
public final class SchemeCache: Sendable {
    private struct Entry {
        var scheme: NotificationScheme?
        var loadedAt: ContinuousClock.Instant
    }

    private let store: SchemeStore
    private let lifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])

    public init(store: SchemeStore, lifetime: Duration = .seconds(2)) {
        self.store = store
        self.lifetime = lifetime
    }

    /// The project's scheme (`nil`: none), at most `lifetime` old.
    public func scheme(tenant: String, project: String) async throws -> NotificationScheme? {
        let key = tenant + "\u{0}" + project
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), now - entry.loadedAt < lifetime {
            return entry.scheme
        }
        let scheme = try await store.scheme(tenant: tenant, project: project)
        entries.withLock { $0[key] = Entry(scheme: scheme, loadedAt: now) }
        return scheme
    }
}
