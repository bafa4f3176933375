import Curl
import Encryption
import Foundation
import Postgres

/// The `smtp_connections` table: one SMTP server per tenant, its secret sealed by
/// ``CredentialVault`` (connection id ``connectionID``).
public struct SMTPConnectionStore: Sendable {
    /// The `CredentialVault` connection id of every tenant's SMTP secret.
    public static let connectionID = "smtp"

    private let pool: PostgresPool
    private let vault: CredentialVault

    public init(pool: PostgresPool, vault: CredentialVault) {
        self.pool = pool
        self.vault = vault
    }

    /// Creates or replaces the tenant's connection.
    public func save(_ connection: SMTPConnection) async throws {
        let kind: String
        let username: String?
        let secret: Secret?
        switch connection.login {
        case .none:
            (kind, username, secret) = ("none", nil, nil)
        case .password(let user, let password):
            (kind, username, secret) = ("password", user, password)
        case .xoauth2(let user, let client):
            (kind, username, secret) = ("xoauth2", user, Secret(bytes: Array(try JSONEncoder().encode(client))))
        }
        let sealed = try await secret.asyncMap { try await vault.seal($0, tenant: connection.tenant, connectionID: Self.connectionID) }
        try await pool.query(
            """
            INSERT INTO smtp_connections (tenant_id, host, port, security, auth_kind, username, sealed_secret, envelope_from, max_connections)
            VALUES (\(connection.tenant), \(connection.host), \(connection.port), \(connection.security.databaseName), \(kind), \(username),
                    \(sealed.map(PostgresBytes.init)), \(connection.envelopeFrom), \(connection.maximumConnections))
            ON CONFLICT (tenant_id) DO UPDATE SET host = EXCLUDED.host, port = EXCLUDED.port, security = EXCLUDED.security,
                auth_kind = EXCLUDED.auth_kind, username = EXCLUDED.username, sealed_secret = EXCLUDED.sealed_secret,
                envelope_from = EXCLUDED.envelope_from, max_connections = EXCLUDED.max_connections, updated_at = now()
            """)
    }

    /// The tenant's connection with its secret opened; `nil` when the tenant has none.
    public func load(tenant: String) async throws -> SMTPConnection? {
        let rows = try await pool.query(
            """
            SELECT host, port, security, auth_kind, username, sealed_secret, envelope_from, max_connections
            FROM smtp_connections WHERE tenant_id = \(tenant)
            """)
        guard let row = rows.first else { return nil }
        let kind = try row.decode("auth_kind", as: String.self)
        let username = try row.decode("username", as: String?.self) ?? ""
        let sealed = try row.decode("sealed_secret", as: PostgresBytes?.self)
        func secret() async throws -> Secret {
            guard let sealed else { throw DeliveryError("tenant \(tenant): SMTP login \(kind) has no stored secret") }
            return try await vault.open(sealed.bytes, tenant: tenant, connectionID: Self.connectionID)
        }
        let login: SMTPConnection.Login
        switch kind {
        case "none":
            login = .none
        case "password":
            login = .password(username: username, password: try await secret())
        case "xoauth2":
            let client: OAuthClient
            do {
                client = try JSONDecoder().decode(OAuthClient.self, from: Data(try await secret().revealedBytes))
            } catch let error as DecodingError {
                throw DeliveryError("tenant \(tenant): the stored OAuth client is not readable: \(error)")
            }
            login = .xoauth2(username: username, client: client)
        default:
            throw DeliveryError("tenant \(tenant): unknown SMTP login kind \"\(kind)\"")
        }
        return SMTPConnection(
            tenant: tenant, host: try row.decode("host"), port: try row.decode("port"),
            security: try MailSecurity(databaseName: try row.decode("security")), login: login,
            envelopeFrom: try row.decode("envelope_from"), maximumConnections: try row.decode("max_connections", as: Int?.self))
    }

    /// Removes the tenant's connection; returns whether there was one.
    @discardableResult
    public func delete(tenant: String) async throws -> Bool {
        try await pool.query("DELETE FROM smtp_connections WHERE tenant_id = \(tenant)").affectedRows > 0
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
