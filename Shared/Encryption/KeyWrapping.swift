/// Wraps tenant data keys with a key-encryption key.
///
/// The wrapped form is a `SealedBox` whose key id is the KEK's id and whose associated data names
/// the tenant and the data key's id (purpose `tenant-key:<id>`), so a wrapped key moved to another
/// tenant or row does not unwrap, and unwrapping always uses the KEK version named in the box.
enum KeyWrapping {
    static func purpose(keyID: String) -> String { "tenant-key:\(keyID)" }

    static func wrap(_ key: KeyBytes, keyID: String, tenant: String, with kek: KeyEncryptionKey) throws -> [UInt8] {
        try SealedBox.seal(key.bytes, key: kek.key, keyID: kek.id, tenant: tenant, purpose: purpose(keyID: keyID))
    }

    /// Unwraps with the KEK named in the box, looked up in `rings` in order.
    /// - Throws: `.malformed` for a damaged row, `.unknownKey` when no ring holds the KEK named in
    ///   the box, `.authenticationFailed` when the row was altered or moved.
    static func unwrap(_ wrapped: [UInt8], keyID: String, tenant: String, rings: [KeyEncryptionKeyRing]) throws -> KeyBytes {
        let parts = try SealedBox.parse(wrapped)
        guard let kek = rings.lazy.compactMap({ $0.key(id: parts.keyID) }).first else {
            throw EncryptionError(.unknownKey, "tenant key \(keyID) is wrapped with key-encryption key \(parts.keyID), which is not configured")
        }
        let bytes = try SealedBox.open(parts, key: kek.key, tenant: tenant, purpose: purpose(keyID: keyID))
        guard bytes.count == KeyBytes.length else {
            throw EncryptionError(.malformed, "tenant key \(keyID) unwrapped to \(bytes.count) bytes, expected \(KeyBytes.length)")
        }
        return KeyBytes(bytes)
    }
}
