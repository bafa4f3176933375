import Foundation
import Logging

/// One numbered schema change, from a file named `NNNN_description.sql`.
public struct PostgresMigration: Sendable, Equatable {
    /// The number at the start of the file name; migrations apply in ascending order.
    public let version: Int
    /// The rest of the file name, for humans.
    public let name: String
    /// The statements to run.
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads every `NNNN_name.sql` file in `directory`, sorted by version.
    /// - Throws: `PostgresError.Kind.migration` for a badly named file or a repeated version.
    public static func load(from directory: URL) throws -> [PostgresMigration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        var migrations = [PostgresMigration]()
        for file in files {
            let stem = String(file.dropLast(4))
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw PostgresError(.migration, message: "migration file \(file) is not named NNNN_description.sql")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(PostgresMigration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw PostgresError(.migration, message: "two migrations have version \(next.version): \(previous.name) and \(next.name)")
        }
        return migrations
    }
}

/// Applies migrations once each, in order, each inside its own transaction, and records them in
/// `schema_migrations`. Concurrent runners (two services starting at once) serialise on an
/// advisory lock, so each migration still applies exactly once.
public struct PostgresMigrator: Sendable {
    private let pool: PostgresPool
    private let logger: Logger

    /// An arbitrary constant identifying Mailbridge's migration lock.
    private static let advisoryLockKey: Int64 = 0x6D61_696C_6272_6964

    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Applies the migrations not yet recorded and returns their versions.
    /// - Throws: `PostgresError.Kind.migration` naming the failed migration; that migration's
    ///   changes are rolled back and later ones are not attempted.
    @discardableResult
    public func migrate(_ migrations: [PostgresMigration]) async throws -> [Int] {
        try await pool.withConnection { connection in
            // CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin (both may pass the
            // check and one fails on the catalog's unique index), so it runs under the lock too.
            try await connection.withTransaction { transaction in
                try await transaction.query("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))")
                try await transaction.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """)
            }
            var applied = [Int]()
            for migration in migrations {
                let didApply = try await connection.withTransaction { transaction in
                    try await transaction.query("SELECT pg_advisory_xact_lock(\(Self.advisoryLockKey))")
                    let existing = try await transaction.query("SELECT 1 FROM schema_migrations WHERE version = \(migration.version)")
                    guard existing.isEmpty else { return false }
                    do {
                        try await transaction.handle.executeScript(migration.sql)
                    } catch let error as PostgresError {
                        throw PostgresError(
                            .migration, sqlState: error.sqlState,
                            message: "migration \(migration.version)_\(migration.name) failed: \(error.message)")
                    }
                    try await transaction.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))")
                    return true
                }
                if didApply {
                    logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    applied.append(migration.version)
                }
            }
            return applied
        }
    }

    /// The versions recorded as applied, ascending.
    public func appliedVersions() async throws -> [Int] {
        try await pool.query("SELECT version FROM schema_migrations ORDER BY version").map { try $0.decode(0, as: Int.self) }
    }
}
