import Foundation
import Postgres
import Synchronization

/// Tenants' template sets in `notification_templates`, compiled and cached briefly.
///
/// A scheme names a set; `default` is the shipped `TemplateSet.defaults` unless the tenant stored
/// its own `default`. Sets are compiled before they are stored, so a stored set always renders.
/// Compiled sets are cached per (tenant, name) for `cacheLifetime`: a change made by this
/// instance is seen at once, one made elsewhere within `cacheLifetime`.
public final class TemplateStore: Sendable {
    private struct Entry {
        var templates: NotificationTemplates
        var loadedAt: ContinuousClock.Instant
    }

    /// The most compiled sets kept; beyond it, expired entries (then all) are dropped.
    static let cacheCapacity = 4_096

    private let pool: PostgresPool
    private let cacheLifetime: Duration
    private let cache = Mutex<[String: Entry]>([:])

    public init(pool: PostgresPool, cacheLifetime: Duration = .seconds(30)) {
        self.pool = pool
        self.cacheLifetime = cacheLifetime
    }

    /// The compiled set `name` of `tenant`, at most `cacheLifetime` old (what the renderer uses).
    /// - Throws: `TemplateError.unknownSet` when the tenant has no such set and it is not
    ///   `default`; `TemplateError.invalidName`; database errors.
    public func templates(tenant: String, name: String) async throws -> NotificationTemplates {
        let key = Self.cacheKey(tenant: tenant, name: name)
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[key] }), now - entry.loadedAt < cacheLifetime {
            return entry.templates
        }
        let templates: NotificationTemplates
        if let stored = try await storedSet(tenant: tenant, name: name) {
            templates = try NotificationTemplates(stored)
        } else if name == TemplateSet.defaultName {
            templates = .shipped
        } else {
            throw TemplateError.unknownSet(tenant: tenant, name: name)
        }
        remember(templates, key: key, at: now)
        return templates
    }

    /// Caches `templates`; past `cacheCapacity` entries, expired ones are dropped first.
    private func remember(_ templates: NotificationTemplates, key: String, at now: ContinuousClock.Instant) {
        let lifetime = cacheLifetime
        cache.withLock { entries in
            if entries.count >= Self.cacheCapacity {
                entries = entries.filter { now - $0.value.loadedAt < lifetime }
                if entries.count >= Self.cacheCapacity { entries.removeAll() }
            }
            entries[key] = Entry(templates: templates, loadedAt: now)
        }
    }

    /// The sources of set `name` of `tenant`: its override, or the shipped defaults for `default`.
    /// - Throws: `TemplateError.unknownSet` for another name the tenant does not have.
    public func templateSet(tenant: String, name: String) async throws -> TemplateSet {
        if let stored = try await storedSet(tenant: tenant, name: name) { return stored }
        guard name == TemplateSet.defaultName else { throw TemplateError.unknownSet(tenant: tenant, name: name) }
        return .defaults
    }

    /// Stores `set` as `name` for `tenant`, replacing an existing one, after compiling it.
    /// - Throws: `TemplateError` (nothing is stored) when the name is invalid or a part does
    ///   not compile; database errors (e.g. an unknown tenant).
    public func save(tenant: String, name: String, set: TemplateSet) async throws {
        try Self.validate(name)
        let compiled = try NotificationTemplates(set)
        try await pool.query(
            """
            INSERT INTO notification_templates (tenant_id, name, subject, text_body, html_body)
            VALUES (\(tenant), \(name), \(set.subject), \(set.text), \(set.html))
            ON CONFLICT (tenant_id, name) DO UPDATE SET
                subject = excluded.subject, text_body = excluded.text_body, html_body = excluded.html_body, updated_at = now()
            """)
        remember(compiled, key: Self.cacheKey(tenant: tenant, name: name), at: ContinuousClock.now)
    }

    /// Deletes the tenant's set `name` (for `default`: back to the shipped defaults).
    /// - Returns: whether there was one.
    @discardableResult
    public func delete(tenant: String, name: String) async throws -> Bool {
        let rows = try await pool.query("DELETE FROM notification_templates WHERE tenant_id = \(tenant) AND name = \(name)")
        let key = Self.cacheKey(tenant: tenant, name: name)
        cache.withLock { _ = $0.removeValue(forKey: key) }
        return rows.affectedRows > 0
    }

    /// The names of the sets the tenant stored, sorted (`default` only when overridden).
    public func names(tenant: String) async throws -> [String] {
        try await pool.query("SELECT name FROM notification_templates WHERE tenant_id = \(tenant) ORDER BY name")
            .map { try $0.decode(0, as: String.self) }
    }

    private func storedSet(tenant: String, name: String) async throws -> TemplateSet? {
        try Self.validate(name)
        let rows = try await pool.query(
            "SELECT subject, text_body, html_body FROM notification_templates WHERE tenant_id = \(tenant) AND name = \(name)")
        guard let row = rows.first else { return nil }
        return TemplateSet(
            subject: try row.decode(0, as: String.self), text: try row.decode(1, as: String.self), html: try row.decode(2, as: String.self))
    }

    private static func validate(_ name: String) throws(TemplateError) {
        guard TemplateSet.isValidName(name) else { throw .invalidName(name) }
    }

    private static func cacheKey(tenant: String, name: String) -> String { tenant + "\u{0}" + name }
}
