import Foundation
import Logging
import Postgres
import Testing
import TestSupport

@testable import Encryption

/// A quiet logger for tests.
func testLogger() -> Logger {
    var logger = Logger(label: "encryption-tests")
    logger.logLevel = .warning
    return logger
}

/// A pool on the stack's database with the repository's migrations applied.
func makeMigratedPool(maximumConnections: Int = 4) async throws -> PostgresPool {
    let pool = PostgresPool(
        configuration: PostgresConfiguration(
            connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"),
            minimumConnections: 0, maximumConnections: maximumConnections),
        logger: testLogger())
    do {
        let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: "Shared/Schema/Migrations"))
        try await PostgresMigrator(pool: pool, logger: testLogger()).migrate(migrations)
    } catch {
        await pool.close()
        throw error
    }
    return pool
}

/// A ring of one fresh KEK whose id is unique to this run, so `rewrap` in one test never
/// touches another test's rows.
func makeRing(_ prefix: String = "kek") throws -> KeyEncryptionKeyRing {
    let kek = try KeyEncryptionKey.random(id: TestEnvironment.uniqueName(prefix))
    return try KeyEncryptionKeyRing(keys: [kek], activeID: kek.id)
}

/// A tenant id unique to this run.
func uniqueTenant() -> String { TestEnvironment.uniqueName("tenant") }

/// A database pool, a key store over it and a cipher, closed after `body`.
struct EncryptionFixture {
    let pool: PostgresPool
    let ring: KeyEncryptionKeyRing
    let store: TenantKeyStore
    let cipher: TenantCipher

    /// A second store on the same database, like another process (its own cache).
    func otherProcess(ring: KeyEncryptionKeyRing? = nil) -> TenantKeyStore {
        TenantKeyStore(pool: pool, keyEncryptionKeys: ring ?? self.ring, logger: testLogger())
    }

    /// Runs `body` with a fresh fixture and closes its pool afterwards, also when `body` throws.
    static func with<T>(maximumConnections: Int = 4, _ body: (EncryptionFixture) async throws -> T) async throws -> T {
        let pool = try await makeMigratedPool(maximumConnections: maximumConnections)
        let ring = try makeRing()
        let store = TenantKeyStore(pool: pool, keyEncryptionKeys: ring, logger: testLogger())
        let fixture = EncryptionFixture(pool: pool, ring: ring, store: store, cipher: TenantCipher(keys: store))
        do {
            let value = try await body(fixture)
            await pool.close()
            return value
        } catch {
            await pool.close()
            throw error
        }
    }
}

/// Expects `body` to fail with an `EncryptionError` of `kind`.
func expectEncryptionError<T>(
    _ kind: EncryptionError.Kind, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected EncryptionError.\(kind), but it succeeded \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as EncryptionError {
        #expect(error.kind == kind, "\(error) \(comment.map { "(\($0))" } ?? "")", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected EncryptionError.\(kind), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The key id written in a sealed box's header.
func keyID(ofBox box: [UInt8]) -> String {
    String(decoding: box[2..<(2 + Int(box[1]))], as: UTF8.self)
}

/// `pieces` as an async sequence.
func asyncPieces(_ pieces: [[UInt8]]) -> AsyncStream<[UInt8]> {
    AsyncStream { continuation in
        for piece in pieces { continuation.yield(piece) }
        continuation.finish()
    }
}

/// `bytes` cut into pieces of `size`.
func split(_ bytes: [UInt8], every size: Int) -> [[UInt8]] {
    stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
}

/// `count` random bytes.
func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8]()
    bytes.reserveCapacity(count + 8)
    while bytes.count < count {
        let word: UInt64 = generator.next()
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
    }
    return Array(bytes.prefix(count))
}
