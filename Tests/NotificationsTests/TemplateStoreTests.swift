import Encryption
import Foundation
import Notifications
import Postgres
import Tenancy
import Testing
import TestSupport

@Suite("Template store")
struct TemplateStoreTests {
    static let override = TemplateSet(subject: "{{issue.key}} changed", text: "Text {{issue.key}}", html: "<p>HTML {{issue.key}}</p>")

    @Test("default falls back to the shipped set until overridden; a saved set reads back and renders; delete restores")
    func roundTrip() async throws {
        try await TemplateFixtures.withPool { pool in
            let tenant = try await TemplateFixtures.insertTenant(pool)
            let store = TemplateStore(pool: pool)
            #expect(try await store.templateSet(tenant: tenant, name: "default") == TemplateSet.defaults)
            #expect(try await store.names(tenant: tenant) == [])
            let shipped = try await store.templates(tenant: tenant, name: "default")
            #expect(shipped.source == TemplateSet.defaults)

            try await store.save(tenant: tenant, name: "default", set: Self.override)
            try await store.save(tenant: tenant, name: "brief.v2", set: Self.override)
            #expect(try await store.names(tenant: tenant) == ["brief.v2", "default"])
            #expect(try await store.templateSet(tenant: tenant, name: "default") == Self.override)
            let rendered = try await store.templates(tenant: tenant, name: "default").render(TemplateFixtures.view(.updated))
            #expect(rendered == RenderedNotification(subject: "ACME-7 changed", text: "Text ACME-7", html: "<p>HTML ACME-7</p>"))

            // Another store (another process, its own cache) reads the same rows.
            let other = TemplateStore(pool: pool, cacheLifetime: .zero)
            #expect(try await other.templateSet(tenant: tenant, name: "brief.v2") == Self.override)

            // Saving again replaces.
            var changed = Self.override
            changed.subject = "Changed {{issue.key}}"
            try await store.save(tenant: tenant, name: "brief.v2", set: changed)
            #expect(try await other.templates(tenant: tenant, name: "brief.v2").source == changed)

            #expect(try await store.delete(tenant: tenant, name: "default"))
            #expect(try await store.delete(tenant: tenant, name: "default") == false)
            #expect(try await store.templates(tenant: tenant, name: "default").source == TemplateSet.defaults)
            #expect(try await store.names(tenant: tenant) == ["brief.v2"])
        }
    }

    @Test("a change made by another store is seen once the cache lifetime has passed, not before")
    func cacheLifetime() async throws {
        try await TemplateFixtures.withPool { pool in
            let tenant = try await TemplateFixtures.insertTenant(pool)
            let cached = TemplateStore(pool: pool, cacheLifetime: .seconds(2))
            #expect(try await cached.templates(tenant: tenant, name: "default").source == TemplateSet.defaults)
            try await TemplateStore(pool: pool).save(tenant: tenant, name: "default", set: Self.override)
            #expect(try await cached.templates(tenant: tenant, name: "default").source == TemplateSet.defaults)
            try await Task.sleep(for: .milliseconds(2_100))
            #expect(try await cached.templates(tenant: tenant, name: "default").source == Self.override)
        }
    }

    @Test("an unknown set other than default is an error naming it; an invalid name is refused")
    func unknownName() async throws {
        try await TemplateFixtures.withPool { pool in
            let tenant = try await TemplateFixtures.insertTenant(pool)
            let store = TemplateStore(pool: pool)
            await #expect(throws: TemplateError.unknownSet(tenant: tenant, name: "fancy")) { try await store.templateSet(tenant: tenant, name: "fancy") }
            await #expect(throws: TemplateError.unknownSet(tenant: tenant, name: "fancy")) { try await store.templates(tenant: tenant, name: "fancy") }
            await #expect(throws: TemplateError.invalidName("Bad Name")) { try await store.save(tenant: tenant, name: "Bad Name", set: Self.override) }
            #expect(try await store.names(tenant: tenant) == [])
        }
    }

    @Test("a broken override is refused with the part named and nothing is stored; the old set stays")
    func brokenRefused() async throws {
        try await TemplateFixtures.withPool { pool in
            let tenant = try await TemplateFixtures.insertTenant(pool)
            let store = TemplateStore(pool: pool)
            try await store.save(tenant: tenant, name: "ops", set: Self.override)
            var broken = Self.override
            broken.html = "<p>{{#comment}}{{text}}</p>"
            do {
                try await store.save(tenant: tenant, name: "ops", set: broken)
                Issue.record("a broken html template was stored")
            } catch let error as TemplateError {
                guard case .doesNotCompile(part: .html, _, _, _) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
            do {
                try await store.save(tenant: tenant, name: "fresh", set: broken)
                Issue.record("a broken html template was stored")
            } catch let error as TemplateError {
                #expect("\(error)".contains("html template does not compile"))
            }
            #expect(try await store.names(tenant: tenant) == ["ops"])
            #expect(try await TemplateStore(pool: pool).templateSet(tenant: tenant, name: "ops") == Self.override)
        }
    }

    @Test("a tenant's sets are purged with it by TenantDirectory.purgeUninstalled")
    func purgedWithTenant() async throws {
        try await TemplateFixtures.withPool { pool in
            let gone = try await TemplateFixtures.insertTenant(pool)
            let stay = try await TemplateFixtures.insertTenant(pool)
            let store = TemplateStore(pool: pool)
            try await store.save(tenant: gone, name: "default", set: Self.override)
            try await store.save(tenant: stay, name: "default", set: Self.override)
            try await pool.query(
                "UPDATE tenants SET state = 'uninstalled', uninstalled_at = now() - interval '40 days' WHERE tenant_id = \(gone)")
            let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("tpl-kek"))
            let keys = TenantKeyStore(pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id), logger: TemplateFixtures.logger())
            let vault = CredentialVault(cipher: TenantCipher(keys: keys), credentialKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id))
            let purged = try await TenantDirectory(pool: pool, vault: vault, keys: keys).purgeUninstalled(before: Date(timeIntervalSinceNow: -30 * 86_400))
            #expect(purged.contains(gone))
            #expect(!purged.contains(stay))
            let left = try await pool.query("SELECT count(*) FROM notification_templates WHERE tenant_id = \(gone)")
            #expect(try left.first?.decode(0, as: Int.self) == 0)
            #expect(try await store.names(tenant: stay) == ["default"])
        }
    }
}
