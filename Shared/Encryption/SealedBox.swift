import Crypto
import Foundation

/// The versioned sealed-box format: one value encrypted with AES-256-GCM under a named key.
///
/// ```
/// [version 0x01][key-id length][key-id UTF-8][12-byte nonce][ciphertext][16-byte tag]
/// ```
/// The associated data is `AssociatedData.make(format: "v1", tenant:, purpose:, header:)`, where
/// the header is the version byte, the length byte and the key id; the nonce is random per box.
/// Opening checks, in order: the format (`.malformed`), the key id (`.unknownKey`, raised by the
/// caller's key lookup), then the tag (`.authenticationFailed`).
///
/// - Important: with random 96-bit nonces one key should seal at most about 2^32 values; data
///   keys are rotated long before that.
enum SealedBox {
    static let version: UInt8 = 0x01
    static let nonceLength = 12
    static let tagLength = 16
    static let associatedDataFormat = "v1"

    /// A box split into its parts; nothing is authenticated yet.
    struct Parts {
        let keyID: String
        let header: ArraySlice<UInt8>
        let nonce: ArraySlice<UInt8>
        let ciphertext: ArraySlice<UInt8>
        let tag: ArraySlice<UInt8>
    }

    /// Splits `box`, checking only its shape.
    /// - Throws: `.malformed` when the box is too short, has another version, an empty key id, or
    ///   a key id that is not UTF-8.
    static func parse(_ box: [UInt8]) throws -> Parts {
        guard box.count >= 2 else { throw EncryptionError(.malformed, "a sealed box needs at least 2 header bytes, got \(box.count)") }
        guard box[0] == version else { throw EncryptionError(.malformed, "unknown sealed-box version \(box[0])") }
        let idLength = Int(box[1])
        guard idLength > 0 else { throw EncryptionError(.malformed, "the sealed box has an empty key id") }
        let headerEnd = 2 + idLength
        guard box.count >= headerEnd + nonceLength + tagLength else {
            throw EncryptionError(.malformed, "the sealed box is truncated: \(box.count) bytes, need at least \(headerEnd + nonceLength + tagLength)")
        }
        guard let keyID = String(validating: box[2..<headerEnd], as: UTF8.self) else {
            throw EncryptionError(.malformed, "the sealed box's key id is not UTF-8")
        }
        let tagStart = box.count - tagLength
        return Parts(
            keyID: keyID, header: box[0..<headerEnd], nonce: box[headerEnd..<headerEnd + nonceLength],
            ciphertext: box[(headerEnd + nonceLength)..<tagStart], tag: box[tagStart...])
    }

    /// The header for `keyID`: version, length byte, id bytes.
    static func header(keyID: String) -> [UInt8] {
        precondition(!keyID.isEmpty && keyID.utf8.count <= KeyIdentifier.maximumLength, "key ids are validated when keys are made")
        return [version, UInt8(keyID.utf8.count)] + Array(keyID.utf8)
    }

    /// Seals `plaintext` under `key` (named `keyID`) for `tenant` and `purpose`, with a fresh
    /// random nonce.
    static func seal(_ plaintext: some DataProtocol, key: KeyBytes, keyID: String, tenant: String, purpose: String) throws -> [UInt8] {
        let headerBytes = Self.header(keyID: keyID)
        let associatedData = AssociatedData.make(format: associatedDataFormat, tenant: tenant, purpose: purpose, header: headerBytes)
        let nonce = try AES.GCM.Nonce(data: RandomBytes.make(count: nonceLength))
        let sealed = try AES.GCM.seal(plaintext, using: key.symmetricKey, nonce: nonce, authenticating: associatedData)
        var box = headerBytes
        box.reserveCapacity(headerBytes.count + nonceLength + sealed.ciphertext.count + tagLength)
        box += sealed.nonce
        box += sealed.ciphertext
        box += sealed.tag
        return box
    }

    /// Opens parsed parts with the key their id named.
    /// - Throws: `.authenticationFailed` when any byte was changed, or the box belongs to another
    ///   tenant or purpose, or `key` is not the key that sealed it.
    static func open(_ parts: Parts, key: KeyBytes, tenant: String, purpose: String) throws -> [UInt8] {
        let associatedData = AssociatedData.make(format: associatedDataFormat, tenant: tenant, purpose: purpose, header: parts.header)
        do {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: parts.nonce), ciphertext: parts.ciphertext, tag: parts.tag)
            return Array(try AES.GCM.open(box, using: key.symmetricKey, authenticating: associatedData))
        } catch {
            throw EncryptionError(
                .authenticationFailed,
                "the value sealed with key \(parts.keyID) failed authentication: it was altered, or belongs to another tenant or purpose")
        }
    }
}
