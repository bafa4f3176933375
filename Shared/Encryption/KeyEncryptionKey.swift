/// One version of a key-encryption key (KEK): an id such as `kek-2026-11` and 32 secret bytes.
///
/// KEKs come from configuration and only ever encrypt other keys. The bytes are never printed:
/// `description` shows the id alone.
public struct KeyEncryptionKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The version id written into every box this key seals.
    public let id: String
    let key: KeyBytes

    /// - Throws: `EncryptionError.Kind.invalidKey` when the id breaks the id rules (1…255 bytes
    ///   of letters, digits, `-`, `_`, `.`) or the key is not exactly 32 bytes.
    public init(id: String, bytes: [UInt8]) throws {
        try KeyIdentifier.validate(id)
        guard bytes.count == KeyBytes.length else {
            throw EncryptionError(.invalidKey, "key \(id) must be \(KeyBytes.length) bytes, got \(bytes.count)")
        }
        self.id = id
        self.key = KeyBytes(bytes)
    }

    /// A new random key with the given id (for tests and for generating configuration).
    public static func random(id: String) throws -> KeyEncryptionKey {
        try KeyEncryptionKey(id: id, bytes: KeyBytes.random().bytes)
    }

    public var description: String { "KeyEncryptionKey(\(id))" }
    public var debugDescription: String { description }
}
