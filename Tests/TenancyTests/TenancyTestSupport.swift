import Encryption
import Foundation
import Logging
import Postgres
import TestSupport

@testable import Tenancy

/// A quiet logger for tests.
func testLogger() -> Logger {
    var logger = Logger(label: "tenancy-tests")
    logger.logLevel = .warning
    return logger
}

/// A migrated pool, a key store, a vault and the directory over them; closed after `body`.
struct TenancyFixture {
    let pool: PostgresPool
    let keys: TenantKeyStore
    let directory: TenantDirectory

    static func with<T>(_ body: (TenancyFixture) async throws -> T) async throws -> T {
        let pool = PostgresPool(
            configuration: PostgresConfiguration(
                connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"), minimumConnections: 0, maximumConnections: 4),
            logger: testLogger())
        do {
            let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
            try await PostgresMigrator(pool: pool, logger: testLogger()).migrate(migrations)
            let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("kek"))
            let credentials = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName("cred"))
            let keys = TenantKeyStore(
                pool: pool, keyEncryptionKeys: try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id), logger: testLogger())
            let vault = CredentialVault(
                cipher: TenantCipher(keys: keys), credentialKeys: try KeyEncryptionKeyRing(keys: [credentials], activeID: credentials.id))
            let fixture = TenancyFixture(pool: pool, keys: keys, directory: TenantDirectory(pool: pool, vault: vault, keys: keys))
            let result = try await body(fixture)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}

/// A lifecycle payload as Jira sends it.
func lifecyclePayload(
    _ eventType: String, clientKey: String, sharedSecret: String? = String(repeating: "s", count: 43),
    baseURL: String = "https://acme.atlassian.net"
) -> [UInt8] {
    var object: [String: Any] = [
        "key": "io.mailbridge.app", "clientKey": clientKey, "baseUrl": baseURL, "displayUrl": baseURL,
        "productType": "jira", "description": "Atlassian JIRA at \(baseURL)", "eventType": eventType,
        "serverVersion": "100270", "pluginsVersion": "1001.0.0-SNAPSHOT", "serviceEntitlementNumber": "SEN-1",
    ]
    if let sharedSecret { object["sharedSecret"] = sharedSecret }
    return Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
}
