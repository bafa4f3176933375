import ArgumentParser
import Encryption
import Foundation
import Postgres

/// `mailbridge keys …`: the operator's key actions (docs/architecture.md, "key hierarchy").
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Rotate a tenant's data key, re-wrap every data key under the active KEK, or shred a tenant.",
        discussion: """
            The key-encryption keys come from MAILBRIDGE_KEK_KEYS (id:base64,…) or MAILBRIDGE_KEK_FILE, \
            with MAILBRIDGE_KEK_ACTIVE naming the active one; the database from MAILBRIDGE_POSTGRES_URL.
            """,
        subcommands: [Rotate.self, Rewrap.self, Shred.self, Status.self])

    struct Store: ParsableArguments {
        @Option(help: "Database URL (default: MAILBRIDGE_POSTGRES_URL).")
        var url: String?

        /// Runs `body` with a key store over a one-connection pool, closed afterwards.
        func with<T: Sendable>(_ body: (TenantKeyStore) async throws -> T) async throws -> T {
            let ring = try KeyEncryptionKeyRing(prefix: "MAILBRIDGE_KEK")
            let pool = PostgresPool(
                configuration: PostgresConfiguration(
                    connectionString: try CommandEnvironment.postgresURL(url), minimumConnections: 0, maximumConnections: 1),
                logger: CommandEnvironment.logger)
            do {
                let value = try await body(TenantKeyStore(pool: pool, keyEncryptionKeys: ring, logger: CommandEnvironment.logger))
                await pool.close()
                return value
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a tenant a new active data key; old data stays readable.")
        @OptionGroup var store: Store
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let key = try await store.with { try await $0.rotate(tenant) }
            print("tenant \(tenant): active data key is now \(key.id)")
        }
    }

    struct Rewrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every data key under the active KEK (after adding a new KEK version to every process).")
        @OptionGroup var store: Store

        func run() async throws {
            let (count, byKEK) = try await store.with { keys in
                (try await keys.rewrap(with: keys.keyEncryptionKeys), try await keys.keyCountsByKEK())
            }
            print("re-wrapped \(count) data key(s); keys per KEK now: \(byKEK.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
        }
    }

    struct Shred: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every data key of a tenant: all of its ciphertext, wherever copied, becomes unreadable.")
        @OptionGroup var store: Store
        @Option(help: "Tenant id.") var tenant: String
        @Flag(help: "Confirm that this cannot be undone.") var yesReally = false

        func validate() throws {
            guard yesReally else { throw ValidationError("shredding cannot be undone: add --yes-really") }
        }

        func run() async throws {
            let count = try await store.with { try await $0.shred(tenant) }
            print("tenant \(tenant): destroyed \(count) data key(s)")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count data keys per KEK version (retire a KEK when it has none).")
        @OptionGroup var store: Store

        func run() async throws {
            let byKEK = try await store.with { try await $0.keyCountsByKEK() }
            for (kek, count) in byKEK.sorted(by: { $0.key < $1.key }) { print("\(kek)\t\(count)") }
        }
    }
}
