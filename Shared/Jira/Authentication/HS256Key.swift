import Crypto

/// A shared secret made ready for HMAC-SHA256 (RFC 2104), as HS256 tokens are signed.
///
/// The key's inner and outer pad blocks are computed once, when the secret is loaded, so that
/// checking a token is two plain SHA-256 runs. swift-crypto's generic `HMAC<SHA256>` pads the key
/// again on every call and runs unspecialised across the module boundary; on the webhook
/// service's path for tokens not seen before, that set-up was half of the HMAC's cost.
public struct HS256Key: Sendable {
    /// `key ⊕ 0x36…`, one SHA-256 block.
    private let innerPad: [UInt8]
    /// `key ⊕ 0x5c…`, one SHA-256 block.
    private let outerPad: [UInt8]

    /// The key for `secret` (its bytes, as Connect's shared secret is used).
    ///
    /// - Throws: ``JiraAuthenticationError`` `invalidKey` when `secret` is empty.
    public init(secret: some Collection<UInt8>) throws(JiraAuthenticationError) {
        guard !secret.isEmpty else {
            throw JiraAuthenticationError(.invalidKey, "the HS256 shared secret is empty")
        }
        let blockSize = SHA256.blockByteCount
        var block: [UInt8]
        if secret.count > blockSize {
            block = Array(SHA256.hash(data: Array(secret)))
        } else {
            block = Array(secret)
        }
        block += repeatElement(0, count: blockSize - block.count)
        innerPad = block.map { $0 ^ 0x36 }
        outerPad = block.map { $0 ^ 0x5c }
    }

    /// HMAC-SHA256 of `message` under this key.
    public func authenticationCode(for message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { authenticationCode(bytes: $0) }.withUnsafeBytes { Array($0) }
    }

    /// Whether `signature` is HMAC-SHA256 of `message` under this key, compared in constant time
    /// (the length is not secret).
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == SHA256.byteCount else { return false }
        let digest = message.withUnsafeBytes { authenticationCode(bytes: $0) }
        var difference: UInt8 = 0
        digest.withUnsafeBytes { computed in
            for index in 0..<SHA256.byteCount { difference |= computed[index] ^ signature[index] }
        }
        return difference == 0
    }

    private func authenticationCode(bytes message: UnsafeRawBufferPointer) -> SHA256Digest {
        var inner = SHA256()
        innerPad.withUnsafeBytes { inner.update(bufferPointer: $0) }
        inner.update(bufferPointer: message)
        let innerDigest = inner.finalize()
        var outer = SHA256()
        outerPad.withUnsafeBytes { outer.update(bufferPointer: $0) }
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }
}
