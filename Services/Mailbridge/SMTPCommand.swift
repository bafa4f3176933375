import ArgumentParser
import Delivery
import Encryption
import Foundation
import Platform
import Postgres

/// `mailbridge smtp …`: a tenant's outgoing SMTP connection and its sandbox (docs/sender.md).
struct SMTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "Set, show and delete a tenant's SMTP connection; turn its sandbox on or off and manage the allowlist.",
        discussion: """
            The database comes from MAILBRIDGE_POSTGRES_URL, the keys from MAILBRIDGE_KEK_* and (set) \
            MAILBRIDGE_CREDENTIALS_KEY_*; the sandbox needs MAILBRIDGE_BLIND_INDEX_KEY. Secrets are never \
            command-line arguments: set reads MAILBRIDGE_SMTP_PASSWORD, or MAILBRIDGE_SMTP_OAUTH_CLIENT_SECRET \
            and MAILBRIDGE_SMTP_OAUTH_REFRESH_TOKEN.
            """,
        subcommands: [Set.self, Show.self, Delete.self, Sandbox.self])

    struct Database: ParsableArguments {
        @Option(help: "Database URL (default: MAILBRIDGE_POSTGRES_URL).")
        var url: String?

        /// Runs `body` with a small pool and a cipher over it, closed afterwards.
        func with<T: Sendable>(_ body: (PostgresPool, TenantCipher) async throws -> T) async throws -> T {
            let ring = try KeyEncryptionKeyRing(prefix: "MAILBRIDGE_KEK")
            let pool = PostgresPool(
                configuration: PostgresConfiguration(
                    connectionString: try CommandEnvironment.postgresURL(url), minimumConnections: 0, maximumConnections: 2),
                logger: CommandEnvironment.logger)
            let cipher = TenantCipher(keys: TenantKeyStore(pool: pool, keyEncryptionKeys: ring, logger: CommandEnvironment.logger))
            do {
                let value = try await body(pool, cipher)
                await pool.close()
                return value
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    enum Security: String, ExpressibleByArgument, CaseIterable {
        case starttls, implicitTLS = "implicit-tls", none

        /// The port a server with this security usually listens on.
        var defaultPort: Int {
            switch self {
            case .starttls: 587
            case .implicitTLS: 465
            case .none: 25
            }
        }
    }

    enum Auth: String, ExpressibleByArgument, CaseIterable {
        case none, password, xoauth2
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or replace a tenant's SMTP connection.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "SMTP server host.") var host: String
        @Option(help: "Port (default: 587 for starttls, 465 for implicit-tls, 25 for none).") var port: Int?
        @Option(help: "starttls, implicit-tls or none (loopback tests only).") var security: Security = .starttls
        @Option(help: "none, password or xoauth2.") var auth: Auth = .password
        @Option(help: "Login user name (password, xoauth2).") var username: String?
        @Option(help: "OAuth token URL (xoauth2).") var tokenURL: String = "https://oauth2.googleapis.com/token"
        @Option(help: "OAuth client id (xoauth2).") var clientID: String?
        @Option(help: "MAIL FROM when a mail names none.") var envelopeFrom: String
        @Option(help: "At most this many SMTP sends at once for the tenant.") var maxConnections: Int?

        func validate() throws {
            if auth != .none, username == nil { throw ValidationError("--username is required with --auth \(auth.rawValue)") }
            if auth == .xoauth2, clientID == nil { throw ValidationError("--client-id is required with --auth xoauth2") }
            if let port, !(1...65535).contains(port) { throw ValidationError("--port must be 1…65535") }
            if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        }

        func run() async throws {
            var reader = EnvironmentReader()
            let login: SMTPConnection.Login
            switch auth {
            case .none:
                login = .none
            case .password:
                let password = reader.required("MAILBRIDGE_SMTP_PASSWORD", secret: true)
                try reader.validate()
                login = .password(username: username ?? "", password: Secret(password))
            case .xoauth2:
                let secret = reader.required("MAILBRIDGE_SMTP_OAUTH_CLIENT_SECRET", secret: true)
                let refresh = reader.required("MAILBRIDGE_SMTP_OAUTH_REFRESH_TOKEN", secret: true)
                try reader.validate()
                login = .xoauth2(
                    username: username ?? "",
                    client: OAuthClient(tokenURL: tokenURL, clientID: clientID ?? "", clientSecret: secret, refreshToken: refresh))
            }
            let credentialKeys = try KeyEncryptionKeyRing(prefix: "MAILBRIDGE_CREDENTIALS_KEY")
            let connection = SMTPConnection(
                tenant: tenant, host: host, port: port ?? security.defaultPort, security: try .init(databaseName: security.rawValue),
                login: login, envelopeFrom: envelopeFrom, maximumConnections: maxConnections)
            try await database.with { pool, cipher in
                try await SMTPConnectionStore(pool: pool, vault: CredentialVault(cipher: cipher, credentialKeys: credentialKeys)).save(connection)
            }
            print("tenant \(tenant): smtp \(security.rawValue)://\(host):\(connection.port) auth \(auth.rawValue)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a tenant's SMTP connection (never its secret) and sandbox.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let rows = try await database.with { pool, _ in
                try await pool.query(
                    """
                    SELECT c.host, c.port, c.security, c.auth_kind, c.username, c.envelope_from, c.max_connections, c.updated_at,
                           coalesce(s.enabled, false) AS sandbox,
                           (SELECT count(*) FROM sandbox_allowlist a WHERE a.tenant_id = c.tenant_id) AS allowed
                    FROM smtp_connections c LEFT JOIN tenant_sandbox s ON s.tenant_id = c.tenant_id
                    WHERE c.tenant_id = \(tenant)
                    """)
            }
            guard let row = rows.first else { throw ValidationError("tenant \(tenant) has no SMTP connection") }
            print("tenant:         \(tenant)")
            print("server:         \(try row.decode("security", as: String.self))://\(try row.decode("host", as: String.self)):\(try row.decode("port", as: Int.self))")
            print("auth:           \(try row.decode("auth_kind", as: String.self)) \(try row.decode("username", as: String?.self) ?? "")")
            print("envelope from:  \(try row.decode("envelope_from", as: String.self))")
            print("connections:    \(try row.decode("max_connections", as: Int?.self).map(String.init) ?? "default")")
            print("sandbox:        \(try row.decode("sandbox", as: Bool.self) ? "on" : "off") (\(try row.decode("allowed", as: Int.self)) allowlisted)")
            print("updated:        \(try row.decode("updated_at", as: String.self))")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a tenant's SMTP connection (its mail then goes to the DLQ).")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let credentialKeys = try KeyEncryptionKeyRing(prefix: "MAILBRIDGE_CREDENTIALS_KEY")
            let deleted = try await database.with { pool, cipher in
                try await SMTPConnectionStore(pool: pool, vault: CredentialVault(cipher: cipher, credentialKeys: credentialKeys)).delete(tenant: tenant)
            }
            print(deleted ? "tenant \(tenant): SMTP connection deleted" : "tenant \(tenant) had no SMTP connection")
        }
    }

    struct Sandbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A tenant's sandbox: when on, only allowlisted recipients get mail; the others are audited as suppressed.",
            subcommands: [On.self, Off.self, Allow.self, Remove.self, Show.self])

        static func store(pool: PostgresPool, cipher: TenantCipher) throws -> SandboxStore {
            var reader = EnvironmentReader()
            let key = reader.base64Key("MAILBRIDGE_BLIND_INDEX_KEY", length: 32)
            try reader.validate()
            return SandboxStore(pool: pool, cipher: cipher, index: try BlindIndex(key: key))
        }

        struct On: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Turn the sandbox on.")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            func run() async throws {
                try await database.with { pool, cipher in try await Sandbox.store(pool: pool, cipher: cipher).setEnabled(true, tenant: tenant) }
                print("tenant \(tenant): sandbox on")
            }
        }

        struct Off: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Turn the sandbox off: everyone gets mail again.")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            func run() async throws {
                try await database.with { pool, cipher in try await Sandbox.store(pool: pool, cipher: cipher).setEnabled(false, tenant: tenant) }
                print("tenant \(tenant): sandbox off")
            }
        }

        struct Allow: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add addresses to the allowlist.")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            @Argument(help: "Email addresses.") var addresses: [String]
            func run() async throws {
                try await database.with { pool, cipher in
                    let store = try Sandbox.store(pool: pool, cipher: cipher)
                    for address in addresses { try await store.allow(address, tenant: tenant) }
                }
                print("tenant \(tenant): \(addresses.count) address(es) allowlisted")
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove addresses from the allowlist.")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            @Argument(help: "Email addresses.") var addresses: [String]
            func run() async throws {
                let removed = try await database.with { pool, cipher in
                    let store = try Sandbox.store(pool: pool, cipher: cipher)
                    var removed = 0
                    for address in addresses where try await store.disallow(address, tenant: tenant) { removed += 1 }
                    return removed
                }
                print("tenant \(tenant): \(removed) of \(addresses.count) address(es) removed")
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show whether the sandbox is on, and the allowlist.")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            func run() async throws {
                let state = try await database.with { pool, cipher in try await Sandbox.store(pool: pool, cipher: cipher).state(tenant: tenant) }
                print("tenant \(tenant): sandbox \(state.enabled ? "on" : "off")")
                for address in state.allowlist { print("  \(address)") }
            }
        }
    }
}
