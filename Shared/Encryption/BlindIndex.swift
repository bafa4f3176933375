import Crypto
import Foundation

/// Keyed lookup tokens for email addresses, so a row can be found by address without the
/// address being stored in clear.
///
/// The token is HMAC-SHA256, under a key of its own (never a data key or KEK), over the tenant
/// and the normalised address (whitespace trimmed, lower-cased). So:
/// - the same address gives the same token in one tenant, whatever its case or padding;
/// - the same address gives unrelated tokens in two tenants, so tenants cannot be linked;
/// - without the key, a token cannot be reversed or confirmed by guessing addresses.
///
/// Store the token in an indexed column beside the sealed address and query with
/// `token(for:tenant:)`. Changing the key changes every token: re-index before switching.
public struct BlindIndex: Sendable {
    private let key: KeyBytes

    /// - Parameter key: 32 random bytes from configuration (e.g. `MAILBRIDGE_BLIND_INDEX_KEY`).
    /// - Throws: `EncryptionError.Kind.invalidKey` when the key is not 32 bytes.
    public init(key: [UInt8]) throws {
        guard key.count == KeyBytes.length else {
            throw EncryptionError(.invalidKey, "the blind-index key must be \(KeyBytes.length) bytes, got \(key.count)")
        }
        self.key = KeyBytes(key)
    }

    /// The token for `email` in `tenant`: 64 lower-case hex digits.
    public func token(for email: String, tenant: String) -> String {
        let normalized = Self.normalize(email)
        let message = AssociatedData.make(format: "blind-index-v1", tenant: tenant, purpose: "email", header: Array(normalized.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key.symmetricKey)
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Trims surrounding whitespace and lower-cases, the normal form tokens are computed over.
    public static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
