import Foundation
import Logging
import Postgres
import TestSupport
import Testing

@Suite("Postgres migrations", .serialized)
struct PostgresMigratorTests {
    /// A directory of migration files, each creating a table named after the run.
    func writeMigrations(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, sql) in files {
            try sql.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test("files load in version order; bad names and repeated versions are rejected")
    func loading() throws {
        let good = try writeMigrations(["0002_second.sql": "SELECT 2;", "0001_first.sql": "SELECT 1;", "README.md": "ignored"])
        defer { try? FileManager.default.removeItem(at: good) }
        #expect(try PostgresMigration.load(from: good).map(\.version) == [1, 2])
        #expect(try PostgresMigration.load(from: good).map(\.name) == ["first", "second"])

        let badName = try writeMigrations(["first.sql": "SELECT 1;"])
        defer { try? FileManager.default.removeItem(at: badName) }
        #expect { try PostgresMigration.load(from: badName) } throws: { "\($0)".contains("first.sql") }

        let repeated = try writeMigrations(["0001_a.sql": "SELECT 1;", "0001_b.sql": "SELECT 1;"])
        defer { try? FileManager.default.removeItem(at: repeated) }
        #expect { try PostgresMigration.load(from: repeated) } throws: { "\($0)".contains("version 1") }
    }

    @Test("each migration applies once, in order, and a failing one rolls back alone")
    func applyOnce() async throws {
        let pool = try makeTestPool()
        let prefix = uniqueTable("mig")
        let migrator = PostgresMigrator(pool: pool, logger: Logger(label: "test"))
        // Versions are unique per run so the shared schema_migrations table does not collide.
        let base = Int.random(in: 100_000...900_000_000)
        let first = [
            PostgresMigration(version: base, name: "create", sql: "CREATE TABLE \(prefix) (id int);"),
            PostgresMigration(version: base + 1, name: "two_statements", sql: "INSERT INTO \(prefix) VALUES (1); INSERT INTO \(prefix) VALUES (2);"),
        ]
        #expect(try await migrator.migrate(first) == [base, base + 1])
        #expect(try await migrator.migrate(first) == [])
        #expect(try await pool.query("SELECT count(*) FROM \(identifier: prefix)").first!.decode(0, as: Int.self) == 2)

        let broken = first + [
            PostgresMigration(version: base + 2, name: "half_broken", sql: "INSERT INTO \(prefix) VALUES (3); SELECT * FROM missing_table;"),
            PostgresMigration(version: base + 3, name: "never", sql: "INSERT INTO \(prefix) VALUES (4);"),
        ]
        await #expect {
            try await migrator.migrate(broken)
        } throws: { error in
            (error as? PostgresError)?.kind == .migration && "\(error)".contains("half_broken")
        }
        // The failing migration's first insert was rolled back and the later one never ran.
        #expect(try await pool.query("SELECT count(*) FROM \(identifier: prefix)").first!.decode(0, as: Int.self) == 2)
        let applied = try await migrator.appliedVersions()
        #expect(applied.contains(base + 1) && !applied.contains(base + 2) && !applied.contains(base + 3))
        await pool.close()
    }

    @Test("concurrent runners apply each migration exactly once")
    func concurrentRunners() async throws {
        let pool = try makeTestPool(maximumConnections: 6)
        let table = uniqueTable("concurrent")
        let base = Int.random(in: 100_000...900_000_000)
        let migrations = [
            PostgresMigration(version: base, name: "create", sql: "CREATE TABLE \(table) (id int);"),
            PostgresMigration(version: base + 1, name: "insert", sql: "INSERT INTO \(table) VALUES (1);"),
        ]
        let migrator = PostgresMigrator(pool: pool, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 { group.addTask { try await migrator.migrate(migrations) } }
            var applied = [Int]()
            for try await versions in group { applied += versions }
            #expect(applied.sorted() == [base, base + 1])
        }
        #expect(try await pool.query("SELECT count(*) FROM \(identifier: table)").first!.decode(0, as: Int.self) == 1)
        await pool.close()
    }

    @Test("concurrent runners on a fresh database create the bookkeeping table once")
    func concurrentRunnersOnFreshDatabase() async throws {
        let admin = try makeTestPool()
        let database = uniqueTable("fresh")
        try await admin.query("CREATE DATABASE \(identifier: database)")
        let baseURL = try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL")
        guard let slash = baseURL.lastIndex(of: "/") else { throw PostgresError(.connection, message: "no database in the test URL") }
        let freshURL = baseURL[..<slash] + "/" + database
        let migrations = [PostgresMigration(version: 1, name: "create", sql: "CREATE TABLE things (id int);")]
        let pools = (0..<12).map { _ in
            PostgresPool(configuration: PostgresConfiguration(connectionString: String(freshURL), maximumConnections: 1), logger: Logger(label: "test"))
        }
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for pool in pools {
                group.addTask { try await PostgresMigrator(pool: pool, logger: Logger(label: "test")).migrate(migrations) }
            }
            var applied = [Int]()
            for try await versions in group { applied += versions }
            return applied
        }
        for pool in pools { await pool.close() }
        try await admin.query("DROP DATABASE \(identifier: database)")
        await admin.close()
        #expect(applied == [1])
    }
}
