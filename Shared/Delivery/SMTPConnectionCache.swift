/// Tenants' SMTP connections read from ``SMTPConnectionStore``, kept for a short while so a busy
/// tenant does not cost a database read and two decryptions per mail. A change to a connection
/// is seen within `lifetime`.
actor SMTPConnectionCache {
    private struct Entry {
        let connection: SMTPConnection?
        let expires: ContinuousClock.Instant
    }

    private let store: SMTPConnectionStore
    private let lifetime: Duration
    private var entries: [String: Entry] = [:]

    init(store: SMTPConnectionStore, lifetime: Duration) {
        self.store = store
        self.lifetime = lifetime
    }

    /// The tenant's connection, `nil` when it has none.
    func connection(tenant: String) async throws -> SMTPConnection? {
        if let entry = entries[tenant], ContinuousClock.now < entry.expires {
            return entry.connection
        }
        let connection = try await store.load(tenant: tenant)
        entries[tenant] = Entry(connection: connection, expires: .now + lifetime)
        return connection
    }
}
