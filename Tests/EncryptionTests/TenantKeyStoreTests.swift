import Foundation
import Postgres
import Testing
import TestSupport

@testable import Encryption

@Suite("Tenant key store")
struct TenantKeyStoreTests {
    func activeCount(_ pool: PostgresPool, _ tenant: String) async throws -> Int {
        try await pool.query("SELECT count(*) FROM tenant_keys WHERE tenant_id = \(tenant) AND retired_at IS NULL").first!.decode(0, as: Int.self)
    }

    @Test("the first use creates one key, wrapped (never in clear), that every process then finds")
    func firstUse() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let key = try await fixture.store.activeKey(for: tenant)
            #expect(try await fixture.store.activeKey(for: tenant).id == key.id)
            #expect(try await fixture.otherProcess().activeKey(for: tenant).id == key.id)
            let row = try #require(try await fixture.pool.query(
                "SELECT kek_id, wrapped_key FROM tenant_keys WHERE tenant_id = \(tenant)").first)
            #expect(try row.decode("kek_id", as: String.self) == fixture.ring.active.id)
            let wrapped = try row.decode("wrapped_key", as: PostgresBytes.self).bytes
            #expect(!wrapped.contains(key.key.bytes[0..<8]))
            #expect(keyID(ofBox: wrapped) == fixture.ring.active.id)
            #expect(!"\(key)".contains(String(describing: key.key.bytes)))
        }
    }

    @Test("many tasks in two processes using a new tenant at once end with exactly one active key")
    func concurrentFirstUse() async throws {
        try await EncryptionFixture.with(maximumConnections: 8) { fixture in
            let tenant = uniqueTenant()
            let stores = [fixture.store, fixture.otherProcess(), fixture.otherProcess()]
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for task in 0..<24 {
                    group.addTask { try await stores[task % stores.count].activeKey(for: tenant).id }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            #expect(try await activeCount(fixture.pool, tenant) == 1)
        }
    }

    @Test("rotation: new values use the new key id, old values still open, one key stays active")
    func rotation() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let old = try await fixture.cipher.seal(Array("before".utf8), tenant: tenant, purpose: "p")
            let rotated = try await fixture.store.rotate(tenant)
            #expect(rotated.id != keyID(ofBox: old))
            let new = try await fixture.cipher.seal(Array("after".utf8), tenant: tenant, purpose: "p")
            #expect(keyID(ofBox: new) == rotated.id)
            #expect(try await fixture.cipher.open(old, tenant: tenant, purpose: "p") == Array("before".utf8))
            #expect(try await fixture.cipher.open(new, tenant: tenant, purpose: "p") == Array("after".utf8))
            #expect(try await activeCount(fixture.pool, tenant) == 1)
            // Another process sees the rotation once its cache is invalidated (or expires).
            let other = fixture.otherProcess()
            #expect(try await other.activeKey(for: tenant).id == rotated.id)
            let again = try await fixture.store.rotate(tenant)
            await other.invalidateCache(for: tenant)
            #expect(try await other.activeKey(for: tenant).id == again.id)
        }
    }

    @Test("KEK rotation: rewrap moves every key to the new KEK; the old KEK can then be removed")
    func rewrap() async throws {
        try await EncryptionFixture.with { fixture in
            let tenants = [uniqueTenant(), uniqueTenant()]
            var boxes = [[UInt8]]()
            for tenant in tenants {
                boxes.append(try await fixture.cipher.seal(Array(tenant.utf8), tenant: tenant, purpose: "p"))
                try await fixture.store.rotate(tenant)
                boxes.append(try await fixture.cipher.seal(Array(tenant.utf8), tenant: tenant, purpose: "p"))
            }
            let oldKEK = fixture.ring.active
            let newKEK = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("kek-new"))
            let transition = try KeyEncryptionKeyRing(keys: [oldKEK, newKEK], activeID: newKEK.id)
            #expect(try await fixture.store.rewrap(with: transition) == 4)
            #expect(try await fixture.store.rewrap(with: transition) == 0)
            let counts = try await fixture.store.keyCountsByKEK()
            #expect(counts[newKEK.id] == 4)
            #expect(counts[oldKEK.id] == nil)
            #expect(await fixture.store.keyEncryptionKeys.active.id == newKEK.id)

            // A process configured with the new KEK only opens everything.
            let newOnly = TenantCipher(keys: fixture.otherProcess(ring: try KeyEncryptionKeyRing(keys: [newKEK], activeID: newKEK.id)))
            for (index, box) in boxes.enumerated() {
                #expect(try await newOnly.open(box, tenant: tenants[index / 2], purpose: "p") == Array(tenants[index / 2].utf8))
            }
            // A process with only the retired KEK cannot unwrap any key any more.
            let oldOnly = TenantCipher(keys: fixture.otherProcess())
            await expectEncryptionError(.unknownKey) { try await oldOnly.open(boxes[0], tenant: tenants[0], purpose: "p") }
        }
    }

    @Test("a wrapped key copied to another tenant's row does not unwrap")
    func wrappedKeyBoundToTenant() async throws {
        try await EncryptionFixture.with { fixture in
            let victim = uniqueTenant()
            let attacker = uniqueTenant()
            let key = try await fixture.store.activeKey(for: victim)
            try await fixture.pool.query(
                """
                INSERT INTO tenant_keys (tenant_id, key_id, kek_id, wrapped_key, retired_at)
                SELECT \(attacker), key_id, kek_id, wrapped_key, now() FROM tenant_keys WHERE tenant_id = \(victim)
                """)
            await expectEncryptionError(.authenticationFailed) { try await fixture.store.key(for: attacker, id: key.id) }
        }
    }
}
