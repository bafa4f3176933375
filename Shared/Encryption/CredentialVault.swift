/// Seals mail-connection credentials (passwords, OAuth refresh tokens) for storage.
///
/// Each secret is encrypted twice: first with the tenant's data key (purpose
/// `credential:<connection id>`), then that box with a separate credentials key from
/// configuration. Reading a credential needs both the database's tenant key (and its KEK) and
/// the credentials key; either alone yields nothing, and shredding the tenant destroys its
/// credentials with everything else. Both layers bind the value to its tenant and connection.
public struct CredentialVault: Sendable {
    private let cipher: TenantCipher
    private let credentialKeys: KeyEncryptionKeyRing

    /// - Parameters:
    ///   - cipher: seals the inner layer with tenant keys.
    ///   - credentialKeys: the credentials key versions (e.g. `MAILBRIDGE_CREDENTIALS_KEY_KEYS`
    ///     and `…_ACTIVE`); must not share key material with the KEKs.
    public init(cipher: TenantCipher, credentialKeys: KeyEncryptionKeyRing) {
        self.cipher = cipher
        self.credentialKeys = credentialKeys
    }

    /// The sealed form of `secret`, to store in `mail_connections`.
    public func seal(_ secret: Secret, tenant: String, connectionID: String) async throws -> [UInt8] {
        let purpose = Self.purpose(connectionID)
        let inner = try await cipher.seal(secret.revealedBytes, tenant: tenant, purpose: purpose)
        let key = credentialKeys.active
        return try SealedBox.seal(inner, key: key.key, keyID: key.id, tenant: tenant, purpose: purpose)
    }

    /// The secret sealed by `seal` for the same tenant and connection.
    /// - Throws: `EncryptionError`: `.unknownKey` when the credentials key version or the tenant
    ///   key is gone; `.authenticationFailed` when either layer was altered, belongs to another
    ///   tenant or connection, or a key is wrong; `.malformed`.
    public func open(_ sealed: [UInt8], tenant: String, connectionID: String) async throws -> Secret {
        let purpose = Self.purpose(connectionID)
        let parts = try SealedBox.parse(sealed)
        guard let key = credentialKeys.key(id: parts.keyID) else {
            throw EncryptionError(.unknownKey, "credentials key \(parts.keyID) is not configured")
        }
        let inner = try SealedBox.open(parts, key: key.key, tenant: tenant, purpose: purpose)
        return Secret(bytes: try await cipher.open(inner, tenant: tenant, purpose: purpose))
    }

    private static func purpose(_ connectionID: String) -> String { "credential:\(connectionID)" }
}
