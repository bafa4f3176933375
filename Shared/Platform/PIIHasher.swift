import Crypto
import Foundation

/// Turns personal data (email addresses, subjects) into stable pseudonyms for logs.
///
/// A keyed HMAC-SHA256, truncated: the same address always gives the same token under one key,
/// so support can follow one sender through the logs, but the address cannot be recovered or
/// confirmed by guessing without the key. Addresses are lower-cased first so case does not
/// split a person in two.
public struct PIIHasher: Sendable {
    /// Raw key bytes (swift-crypto 3's `SymmetricKey` is not `Sendable`).
    private let key: [UInt8]

    /// - Parameter key: at least 32 random bytes, from configuration (`MAILBRIDGE_LOG_HASH_KEY`).
    public init(key: [UInt8]) {
        precondition(key.count >= 32, "the PII hashing key must be at least 32 bytes")
        self.key = key
    }

    /// A pseudonym like `pii:3f9a0c1b2d4e5f60` for `value`.
    public func token(_ value: String) -> String {
        let normalized = value.trimmingCharacters(in: .whitespaces).lowercased()
        let mac = HMAC<SHA256>.authenticationCode(for: Array(normalized.utf8), using: SymmetricKey(data: key))
        return "pii:" + mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// `text` with every email address in it replaced by its token. A safety net for free text
    /// (error messages, server replies) that may quote an address.
    public func redactAddresses(in text: String) -> String {
        guard text.contains("@") else { return text }
        var result = ""
        var lastEnd = text.startIndex
        let addressPattern = #/[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/#
        for match in text.matches(of: addressPattern) {
            result += text[lastEnd..<match.range.lowerBound]
            result += token(String(text[match.range]))
            lastEnd = match.range.upperBound
        }
        result += text[lastEnd...]
        return result
    }
}
