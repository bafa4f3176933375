import Encryption
import Foundation
import Postgres
import TestSupport
import Testing

@testable import Tenancy

@Suite("Tenant directory")
struct TenantDirectoryTests {
    @Test("install stores the tenant with its secret sealed; the secret opens again; it is not in the row in clear")
    func install() async throws {
        try await TenancyFixture.with { fixture in
            let clientKey = TestEnvironment.uniqueName("ck")
            let secret = "shared-secret-" + String(repeating: "x", count: 40)
            let record = try await fixture.directory.recordInstall(
                try AppLifecycleEvent(json: lifecyclePayload("installed", clientKey: clientKey, sharedSecret: secret)))
            #expect(record.clientKey == clientKey)
            #expect(record.state == .installed)
            #expect(record.isActive)
            #expect(try await fixture.directory.sharedSecret(of: record).revealed == secret)
            let raw = try await fixture.pool.query("SELECT sealed_shared_secret FROM tenants WHERE tenant_id = \(record.tenantID)")
            let sealed = try #require(raw.first).decode(0, as: PostgresBytes.self).bytes
            #expect(!sealed.isEmpty)
            #expect(!String(decoding: sealed, as: UTF8.self).contains("shared-secret"))
        }
    }

    @Test("a replayed or repeated install keeps the tenant id and takes the newest secret and base URL")
    func reinstall() async throws {
        try await TenancyFixture.with { fixture in
            let clientKey = TestEnvironment.uniqueName("ck")
            let first = try await fixture.directory.recordInstall(
                try AppLifecycleEvent(json: lifecyclePayload("installed", clientKey: clientKey, sharedSecret: String(repeating: "a", count: 40))))
            let again = try await fixture.directory.recordInstall(
                try AppLifecycleEvent(json: lifecyclePayload(
                    "installed", clientKey: clientKey, sharedSecret: String(repeating: "b", count: 40), baseURL: "https://renamed.atlassian.net")))
            #expect(again.tenantID == first.tenantID)
            #expect(again.baseURL == "https://renamed.atlassian.net")
            #expect(try await fixture.directory.sharedSecret(of: again).revealed == String(repeating: "b", count: 40))
            let count = try await fixture.pool.query("SELECT count(*) FROM tenants WHERE client_key = \(clientKey)")
            #expect(try count.first?.decode(0, as: Int.self) == 1)
        }
    }

    @Test("concurrent first installs of one client key end with one tenant whose secret opens")
    func concurrentInstalls() async throws {
        try await TenancyFixture.with { fixture in
            let clientKey = TestEnvironment.uniqueName("ck")
            let event = try AppLifecycleEvent(json: lifecyclePayload("installed", clientKey: clientKey, sharedSecret: String(repeating: "c", count: 40)))
            let directory = fixture.directory
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 { group.addTask { try await directory.recordInstall(event).tenantID } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            let record = try #require(try await directory.tenant(clientKey: clientKey))
            #expect(try await directory.sharedSecret(of: record).revealed == String(repeating: "c", count: 40))
        }
    }

    @Test("disable, enable and uninstall change the state; an unknown client key is an error")
    func stateChanges() async throws {
        try await TenancyFixture.with { fixture in
            let clientKey = TestEnvironment.uniqueName("ck")
            _ = try await fixture.directory.recordInstall(try AppLifecycleEvent(json: lifecyclePayload("installed", clientKey: clientKey)))
            let disabled = try await fixture.directory.recordStateChange(try AppLifecycleEvent(json: lifecyclePayload("disabled", clientKey: clientKey)))
            #expect(disabled.state == .disabled)
            #expect(!disabled.isActive)
            let enabled = try await fixture.directory.recordStateChange(try AppLifecycleEvent(json: lifecyclePayload("enabled", clientKey: clientKey)))
            #expect(enabled.isActive)
            let gone = try await fixture.directory.recordStateChange(try AppLifecycleEvent(json: lifecyclePayload("uninstalled", clientKey: clientKey)))
            #expect(gone.state == .uninstalled)
            #expect(gone.uninstalledAt != nil)
            await #expect(throws: TenancyError.unknownClientKey) {
                _ = try await fixture.directory.recordStateChange(
                    try AppLifecycleEvent(json: lifecyclePayload("enabled", clientKey: TestEnvironment.uniqueName("never"))))
            }
        }
    }

    @Test("purge deletes tenants uninstalled before the cutoff and shreds their keys; others stay")
    func purge() async throws {
        try await TenancyFixture.with { fixture in
            let goneKey = TestEnvironment.uniqueName("ck-gone")
            let stayKey = TestEnvironment.uniqueName("ck-stay")
            let gone = try await fixture.directory.recordInstall(try AppLifecycleEvent(json: lifecyclePayload("installed", clientKey: goneKey)))
            let stay = try await fixture.directory.recordInstall(try AppLifecycleEvent(json: lifecyclePayload("installed", clientKey: stayKey)))
            _ = try await fixture.directory.recordStateChange(try AppLifecycleEvent(json: lifecyclePayload("uninstalled", clientKey: goneKey)))
            // Not yet past the grace period: nothing happens.
            let gracePeriod: TimeInterval = 30 * 86_400
            #expect(try await fixture.directory.purgeUninstalled(before: Date(timeIntervalSinceNow: -gracePeriod)).contains(gone.tenantID) == false)
            // Forty days later (the database is shared with tests running beside this one, so
            // only this tenant is moved back in time; theirs, uninstalled just now, are not due).
            try await fixture.pool.query(
                "UPDATE tenants SET uninstalled_at = now() - interval '40 days' WHERE tenant_id = \(gone.tenantID)")
            let purged = try await fixture.directory.purgeUninstalled(before: Date(timeIntervalSinceNow: -gracePeriod))
            #expect(purged.contains(gone.tenantID))
            #expect(!purged.contains(stay.tenantID))
            #expect(try await fixture.directory.tenant(id: gone.tenantID) == nil)
            let keys = try await fixture.pool.query("SELECT count(*) FROM tenant_keys WHERE tenant_id = \(gone.tenantID)")
            #expect(try keys.first?.decode(0, as: Int.self) == 0)
            #expect(try await fixture.directory.tenant(id: stay.tenantID) != nil)
            #expect(try await fixture.directory.sharedSecret(of: stay).revealed.count == 43)
        }
    }
}
