/// Seals and opens values with the tenant's data keys.
///
/// A sealed value (see `SealedBox`) names the data key that sealed it and is bound to its tenant
/// and purpose (e.g. `inbound_audit.subject`): opening it as another tenant's or for another
/// purpose fails with `.authenticationFailed`, and once the tenant is shredded it fails with
/// `.unknownKey`. Large objects use `sealStream`/`openStream` (see `TenantCipher+Streams.swift`).
public struct TenantCipher: Sendable {
    /// Where the tenant keys come from.
    public let keys: TenantKeyStore

    public init(keys: TenantKeyStore) {
        self.keys = keys
    }

    /// Encrypts `plaintext` with the tenant's active key.
    /// - Parameter purpose: what the value is, usually `table.column`; the same purpose must be
    ///   given to `open`.
    /// - Throws: `PostgresError` when the key cannot be loaded or created; `EncryptionError`.
    public func seal(_ plaintext: [UInt8], tenant: String, purpose: String) async throws -> [UInt8] {
        let key = try await keys.activeKey(for: tenant)
        return try SealedBox.seal(plaintext, key: key.key, keyID: key.id, tenant: tenant, purpose: purpose)
    }

    /// `seal` without suspending: nil when the tenant's active key is not cached (then use
    /// `seal`, which reads or creates it).
    /// - Throws: `EncryptionError`.
    public func sealWithCachedKey(_ plaintext: [UInt8], tenant: String, purpose: String) throws -> [UInt8]? {
        guard let key = keys.cachedActiveKey(for: tenant) else { return nil }
        return try SealedBox.seal(plaintext, key: key.key, keyID: key.id, tenant: tenant, purpose: purpose)
    }

    /// Decrypts a value sealed by `seal` for the same tenant and purpose, with the key it names.
    /// - Throws: `EncryptionError` with kind `.malformed` (not a sealed box, truncated),
    ///   `.unknownKey` (the key is gone: shredded, or never the tenant's), or
    ///   `.authenticationFailed` (altered, or another tenant's or purpose's value).
    public func open(_ box: [UInt8], tenant: String, purpose: String) async throws -> [UInt8] {
        let parts = try SealedBox.parse(box)
        let key = try await keys.key(for: tenant, id: parts.keyID)
        return try SealedBox.open(parts, key: key.key, tenant: tenant, purpose: purpose)
    }

    /// `seal` for text (UTF-8).
    public func seal(_ text: String, tenant: String, purpose: String) async throws -> [UInt8] {
        try await seal(Array(text.utf8), tenant: tenant, purpose: purpose)
    }

    /// `open` for text sealed with `seal(_: String, …)`.
    /// - Throws: as `open`, and `.malformed` when the plaintext is not UTF-8.
    public func openText(_ box: [UInt8], tenant: String, purpose: String) async throws -> String {
        let bytes = try await open(box, tenant: tenant, purpose: purpose)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EncryptionError(.malformed, "the opened value is not UTF-8 text")
        }
        return text
    }
}
