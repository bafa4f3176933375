import ArgumentParser
import Foundation
import Notifications
import Postgres

/// `mailbridge scheme …`: notification schemes, until an admin UI exists (docs/notifications.md).
struct SchemeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheme",
        abstract: "Import, export, list, show or delete a tenant's notification schemes.",
        discussion: """
            A scheme says, per Jira project, which events (created, updated, commented, assigned, resolved, \
            deleted) send mail to whom, with which template set. Importing it also updates the list the \
            webhook service drops events by, within seconds. The database comes from MAILBRIDGE_POSTGRES_URL.
            """,
        subcommands: [Import.self, Export.self, List.self, Show.self, Delete.self])

    struct Database: ParsableArguments {
        @Option(help: "Database URL (default: MAILBRIDGE_POSTGRES_URL).")
        var url: String?

        /// Runs `body` with a scheme store over a one-connection pool, closed afterwards.
        func with<T: Sendable>(_ body: (SchemeStore) async throws -> T) async throws -> T {
            let pool = PostgresPool(
                configuration: PostgresConfiguration(
                    connectionString: try CommandEnvironment.postgresURL(url), minimumConnections: 0, maximumConnections: 1),
                logger: CommandEnvironment.logger)
            do {
                let value = try await body(SchemeStore(pool: pool))
                await pool.close()
                return value
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store the schemes in a JSON file (one scheme, an array, or an export), replacing those projects' schemes.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String
        @Argument(help: "The JSON file, or - for standard input.") var file: String

        func run() async throws {
            let bytes = file == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            // Every scheme is checked before any is stored.
            let schemes = try NotificationScheme.schemes(fromJSON: bytes)
            try await database.with { store in
                for scheme in schemes { try await store.save(scheme, tenant: tenant) }
            }
            print("tenant \(tenant): imported \(schemes.count) scheme(s): \(schemes.map(\.project).joined(separator: ", "))")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every scheme of a tenant as JSON (what import reads).")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let schemes = try await database.with { try await $0.schemes(tenant: tenant) }
            FileHandle.standardOutput.write(Data(try SchemeStore.exportJSON(schemes) + [0x0A]))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per project: its events and template set.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let schemes = try await database.with { try await $0.schemes(tenant: tenant) }
            if schemes.isEmpty { print("tenant \(tenant): no notification schemes") }
            for scheme in schemes {
                print("\(scheme.project)\tevents: \(scheme.notifications.map(\.event.rawValue).joined(separator: ","))\ttemplates: \(scheme.templateSet)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one project's scheme as JSON.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Jira project key.") var project: String

        func run() async throws {
            guard let scheme = try await database.with({ try await $0.scheme(tenant: tenant, project: project) }) else {
                throw ValidationError("tenant \(tenant) has no notification scheme for project \(project)")
            }
            FileHandle.standardOutput.write(Data(try SchemeStore.exportJSON([scheme]) + [0x0A]))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove one project's scheme: its events are dropped from then on.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Jira project key.") var project: String

        func run() async throws {
            let removed = try await database.with { try await $0.delete(tenant: tenant, project: project) }
            print(removed ? "tenant \(tenant): removed the scheme of \(project)" : "tenant \(tenant): \(project) had no scheme")
        }
    }
}
