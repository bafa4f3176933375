/// Why a value could not be sealed or opened. Messages name the problem, never key material.
public struct EncryptionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, broadly.
    public enum Kind: String, Sendable {
        /// The ciphertext is not in a format this version understands (too short, bad version).
        case malformed
        /// No key with the ciphertext's key id is available (unknown, or shredded).
        case unknownKey
        /// Authentication failed: tampered, truncated, or bound to another tenant or purpose.
        case authenticationFailed
        /// A key from configuration is missing, not base64, the wrong size, has a bad id, or the
        /// active id names no configured key.
        case invalidKey
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "EncryptionError.\(kind.rawValue): \(message)" }
}
