import Encryption
import Jira
import Synchronization
import Tenancy

/// Tenants and their opened shared secrets by client key, kept for `lifetime` so that a
/// webhook costs no database round trip and no unsealing in the common case.
///
/// Guarantees: an entry is never older than `lifetime` (so a state change made by another
/// instance is seen within it), and `invalidate` (called after every lifecycle event this
/// instance records) makes the next lookup read the database. Unknown client keys are not cached,
/// so a tenant that has just installed is found at once. At most `capacity` entries are held; when
/// full, the whole cache is emptied (a crude bound that keeps memory fixed under a flood of
/// distinct tenants). The secrets live only in this process's memory, as they would for the
/// duration of each request anyway.
final class TenantCache: Sendable {
    struct Entry: Sendable {
        let tenant: TenantRecord
        let secret: Secret
        /// The secret made ready for checking HS256 tokens, once per load; nil when the secret is
        /// empty (every token is then refused).
        let signingKey: HS256Key?
        let loadedAt: ContinuousClock.Instant
    }

    private let directory: TenantDirectory
    private let lifetime: Duration
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(directory: TenantDirectory, lifetime: Duration = .seconds(5), capacity: Int = 10_000) {
        self.directory = directory
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
    }

    /// The tenant with `clientKey`, its shared secret and signing key; nil when no such tenant is
    /// installed.
    /// - Throws: when the database or the key store failed.
    func lookup(clientKey: String) async throws -> Entry? {
        let now = ContinuousClock.now
        if let cached = cached(clientKey: clientKey, now: now) { return cached }
        guard let tenant = try await directory.tenant(clientKey: clientKey) else {
            invalidate(clientKey: clientKey)
            return nil
        }
        let secret = try await directory.sharedSecret(of: tenant)
        let entry = Entry(tenant: tenant, secret: secret, signingKey: try? HS256Key(secret: secret.revealedBytes), loadedAt: now)
        entries.withLock { cached in
            if cached.count >= capacity { cached.removeAll(keepingCapacity: true) }
            cached[clientKey] = entry
        }
        return entry
    }

    /// The tenant with `clientKey` when a fresh entry is held, without I/O; nil means "look it up".
    func cached(clientKey: String, now: ContinuousClock.Instant = .now) -> Entry? {
        guard let entry = entries.withLock({ $0[clientKey] }), now - entry.loadedAt < lifetime else { return nil }
        return entry
    }

    /// Forgets `clientKey`: the next lookup reads the database.
    func invalidate(clientKey: String) {
        _ = entries.withLock { $0.removeValue(forKey: clientKey) }
    }
}
