import Hex
import Logging
import Postgres
import Synchronization

/// Per-tenant data keys, stored in Postgres wrapped with a key-encryption key (KEK).
///
/// Guarantees:
/// - `activeKey(for:)` returns the tenant's one active key, creating a random 32-byte key on
///   first use. Any number of tasks and processes calling it at once end with exactly one active
///   key (creation runs under a per-tenant advisory lock, backed by a partial unique index).
/// - `key(for:id:)` returns any key of the tenant that still exists, active or retired.
/// - `rotate(_:)` makes a new active key; older keys stay readable.
/// - `shred(_:)` deletes every key of the tenant. Afterwards nothing this library sealed for the
///   tenant can be opened again, anywhere, by anyone holding only ciphertext (crypto-shredding).
///   This process forgets its cached keys at once; other processes within `cacheLifetime`.
/// - `rewrap(with:)` re-wraps every key under a new KEK version without changing any data key,
///   so no ciphertext needs re-encrypting.
///
/// Keys are cached in memory for `cacheLifetime`; `cachedActiveKey(for:)` reads that cache
/// without a hop onto the actor, for callers that must not suspend. Deleted rows may linger in
/// the database's WAL and backups, but only wrapped: destroying a retired KEK after `rewrap`
/// makes those copies useless too.
public actor TenantKeyStore {
    private let table: TenantKeyTable
    private let logger: Logger
    private let cacheLifetime: Duration
    private var ring: KeyEncryptionKeyRing
    /// The ring being replaced while `rewrap` runs, so keys not yet re-wrapped still open.
    private var previousRing: KeyEncryptionKeyRing?
    /// Behind a lock rather than the actor, so `cachedActiveKey(for:)` needs no hop.
    private let cache = Mutex<[CacheKey: CachedKey]>([:])
    /// Bumped when a tenant rotates or shreds; a lookup started under an older generation does
    /// not fill the cache, so a key read just before `shred` is never cached after it.
    private var generations: [String: UInt64] = [:]

    /// Beyond this many cached keys the cache is emptied (a simple bound on memory).
    private static let maximumCachedKeys = 10_000
    /// Rows re-wrapped per query in `rewrap`.
    private static let rewrapBatchSize = 500

    private struct CacheKey: Hashable, Sendable {
        let tenant: String
        /// nil for "the active key".
        let keyID: String?
    }

    private struct CachedKey: Sendable {
        let key: TenantKey
        let expires: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - pool: the database holding `tenant_keys` (migration 0001 applied).
    ///   - keyEncryptionKeys: the KEK versions; new keys are wrapped with the active one.
    ///   - cacheLifetime: how long a key read from the database is reused without asking it again;
    ///     this bounds how long another process's `rotate` or `shred` takes to be seen here.
    public init(pool: PostgresPool, keyEncryptionKeys: KeyEncryptionKeyRing, logger: Logger, cacheLifetime: Duration = .seconds(300)) {
        self.table = TenantKeyTable(pool: pool)
        self.ring = keyEncryptionKeys
        self.logger = logger
        self.cacheLifetime = cacheLifetime
    }

    /// The KEK versions in use: new keys are wrapped with `active`.
    public var keyEncryptionKeys: KeyEncryptionKeyRing { ring }

    /// The tenant's active key, created on first use.
    /// - Throws: `PostgresError` when the database fails; `EncryptionError` when the stored key
    ///   cannot be unwrapped (`.unknownKey` if its KEK is not configured).
    public func activeKey(for tenant: String) async throws -> TenantKey {
        let cacheKey = CacheKey(tenant: tenant, keyID: nil)
        if let cached = cached(cacheKey) { return cached }
        let generation = generations[tenant, default: 0]
        let key: TenantKey
        if let row = try await table.activeRow(tenant: tenant) {
            key = try unwrap(row, tenant: tenant)
        } else {
            let created = try makeKey(tenant: tenant)
            let (row, isNew) = try await table.insertActiveIfNone(tenant: tenant, candidate: created.row)
            if isNew {
                logger.info("created tenant key", metadata: ["tenant": "\(tenant)", "key": "\(row.keyID)", "kek": "\(row.kekID)"])
                key = created.key
            } else {
                key = try unwrap(row, tenant: tenant)
            }
        }
        remember(key, as: cacheKey, generation: generation)
        return key
    }

    /// The tenant's active key when it is cached and fresh, without suspending; nil otherwise
    /// (then `activeKey(for:)` reads or creates it). A `shred` or `rotate` in this process
    /// empties the cache before it touches the database, so no shredded key is returned after it.
    public nonisolated func cachedActiveKey(for tenant: String) -> TenantKey? {
        cached(CacheKey(tenant: tenant, keyID: nil))
    }

    /// The tenant's key with `id`, active or retired.
    /// - Throws: `EncryptionError.Kind.unknownKey` when the tenant has no such key (never
    ///   existed, or shredded); `PostgresError` when the database fails.
    public func key(for tenant: String, id: String) async throws -> TenantKey {
        let cacheKey = CacheKey(tenant: tenant, keyID: id)
        if let cached = cached(cacheKey) { return cached }
        let generation = generations[tenant, default: 0]
        guard let row = try await table.row(tenant: tenant, keyID: id) else {
            throw EncryptionError(.unknownKey, "the tenant has no key \(id): it never existed or was shredded")
        }
        let key = try unwrap(row, tenant: tenant)
        remember(key, as: cacheKey, generation: generation)
        return key
    }

    /// Retires the tenant's active key and makes a new one active. Values sealed with older keys
    /// still open; new values use the returned key.
    @discardableResult
    public func rotate(_ tenant: String) async throws -> TenantKey {
        forget(tenant)
        let created = try makeKey(tenant: tenant)
        try await table.rotate(tenant: tenant, replacement: created.row)
        forget(tenant)
        logger.info("rotated tenant key", metadata: ["tenant": "\(tenant)", "key": "\(created.key.id)"])
        return created.key
    }

    /// Deletes every key of the tenant (crypto-shredding) and returns how many were deleted.
    /// Every value sealed for the tenant then fails to open with `.unknownKey`.
    @discardableResult
    public func shred(_ tenant: String) async throws -> Int {
        forget(tenant)
        let deleted = try await table.deleteAll(tenant: tenant)
        forget(tenant)
        logger.notice("shredded tenant keys", metadata: ["tenant": "\(tenant)", "keys": "\(deleted)"])
        return deleted
    }

    /// Re-wraps every key wrapped with a KEK of the current ring or of `newRing` under
    /// `newRing.active`, then uses `newRing` from now on. Data keys (and so all ciphertext) are
    /// unchanged. Keys wrapped with a KEK in neither ring are left alone (see
    /// `keyCountsByKEK()`). Safe to run while the service works and to run again.
    ///
    /// - Important: start every process with the new ring (new active KEK) first, or a process
    ///   still on the old ring may wrap new keys with the old KEK after this returns.
    /// - Returns: how many keys were re-wrapped.
    @discardableResult
    public func rewrap(with newRing: KeyEncryptionKeyRing) async throws -> Int {
        previousRing = ring
        ring = newRing
        defer { previousRing = nil }
        var count = 0
        let retiring = Set((previousRing?.ids ?? []) + newRing.ids).subtracting([newRing.active.id]).sorted()
        for kekID in retiring {
            while true {
                let batch = try await table.rows(wrappedWith: kekID, limit: Self.rewrapBatchSize)
                if batch.isEmpty { break }
                for (tenant, row) in batch {
                    let key = try unwrap(row, tenant: tenant)
                    let rewrapped = try KeyWrapping.wrap(key.key, keyID: row.keyID, tenant: tenant, with: newRing.active)
                    try await table.replaceWrapping(
                        tenant: tenant, keyID: row.keyID, previousKEK: kekID,
                        with: .init(keyID: row.keyID, kekID: newRing.active.id, wrappedKey: rewrapped))
                    count += 1
                }
            }
        }
        logger.notice("re-wrapped tenant keys", metadata: ["keys": "\(count)", "kek": "\(newRing.active.id)"])
        return count
    }

    /// How many stored keys each KEK version wraps: a KEK may be removed from configuration once
    /// its count is zero.
    public func keyCountsByKEK() async throws -> [String: Int] {
        try await table.keyCountsByKEK()
    }

    /// Drops cached keys (one tenant's, or all), so the next use reads the database.
    public func invalidateCache(for tenant: String? = nil) {
        if let tenant {
            forget(tenant)
        } else {
            cache.withLock { $0.removeAll() }
            for tenant in generations.keys { generations[tenant, default: 0] &+= 1 }
        }
    }

    // MARK: - Internals

    private func makeKey(tenant: String) throws -> (key: TenantKey, row: TenantKeyTable.Row) {
        let key = TenantKey(tenant: tenant, id: Self.newKeyID(), key: KeyBytes.random())
        let kek = ring.active
        let wrapped = try KeyWrapping.wrap(key.key, keyID: key.id, tenant: tenant, with: kek)
        return (key, TenantKeyTable.Row(keyID: key.id, kekID: kek.id, wrappedKey: wrapped))
    }

    private func unwrap(_ row: TenantKeyTable.Row, tenant: String) throws -> TenantKey {
        let rings = [ring] + (previousRing.map { [$0] } ?? [])
        let bytes = try KeyWrapping.unwrap(row.wrappedKey, keyID: row.keyID, tenant: tenant, rings: rings)
        return TenantKey(tenant: tenant, id: row.keyID, key: bytes)
    }

    private nonisolated func cached(_ cacheKey: CacheKey) -> TenantKey? {
        cache.withLock { cache in
            guard let entry = cache[cacheKey] else { return nil }
            guard entry.expires > .now else {
                cache[cacheKey] = nil
                return nil
            }
            return entry.key
        }
    }

    private func remember(_ key: TenantKey, as cacheKey: CacheKey, generation: UInt64) {
        guard generations[cacheKey.tenant, default: 0] == generation else { return }
        let expires = ContinuousClock.now + cacheLifetime
        cache.withLock { cache in
            if cache.count >= Self.maximumCachedKeys { cache.removeAll() }
            cache[cacheKey] = CachedKey(key: key, expires: expires)
            // The active key is also valid by id; caching both saves a query when opening.
            cache[CacheKey(tenant: cacheKey.tenant, keyID: key.id)] = CachedKey(key: key, expires: expires)
        }
    }

    private func forget(_ tenant: String) {
        generations[tenant, default: 0] &+= 1
        cache.withLock { cache in cache = cache.filter { $0.key.tenant != tenant } }
    }

    /// `dk-` and 16 hex digits from the system's secure generator.
    private static func newKeyID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "dk-" + Hex.lowercase(generator.next() as UInt64)
    }
}
