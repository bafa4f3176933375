import ArgumentParser
import Foundation
import Postgres

/// `mailbridge migrate`: applies the numbered SQL files of a directory, once each, in order.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply database migrations (NNNN_name.sql files) not yet applied.")

    @Option(help: "Directory of NNNN_name.sql files.")
    var directory: String = "Shared/Schema/Migrations"

    @Option(help: "Database URL (default: MAILBRIDGE_POSTGRES_URL).")
    var url: String?

    func run() async throws {
        let migrations = try PostgresMigration.load(from: URL(fileURLWithPath: directory))
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: try CommandEnvironment.postgresURL(url), minimumConnections: 0, maximumConnections: 1),
            logger: CommandEnvironment.logger)
        let migrator = PostgresMigrator(pool: pool, logger: CommandEnvironment.logger)
        let applied = try await migrator.migrate(migrations)
        let all = try await migrator.appliedVersions()
        await pool.close()
        print("applied \(applied.count) migration(s)\(applied.isEmpty ? "" : ": " + applied.map(String.init).joined(separator: ", ")); \(all.count) recorded in total")
    }
}
