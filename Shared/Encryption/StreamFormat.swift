import Crypto
import Foundation

/// The chunked format for large objects (raw mail, sent mail, support bundles).
///
/// ```
/// header: [0x81][key-id length][key-id UTF-8][32-byte random salt][chunk size, u32 big-endian]
/// then:   chunk 0, chunk 1, …, final chunk     each = AES-256-GCM ciphertext + 16-byte tag
/// ```
/// Every chunk but the last holds exactly `chunk size` plaintext bytes; the last holds 0 up to
/// `chunk size`. Each stream gets its own AES key, HKDF-SHA256(data key, salt, info = associated
/// prefix), and a 4-byte nonce prefix from the same HKDF output; chunk *i* uses nonce
/// `prefix ‖ i (u64 big-endian)` and associated data `prefix ‖ i ‖ final flag`, where the
/// associated prefix is `AssociatedData.make(format: "stream-v1", tenant:, purpose:, header:)`.
/// So a reordered or dropped chunk fails (wrong counter), a stream cut at a chunk boundary
/// fails (its last chunk is not flagged final), and bytes appended after the final chunk fail.
enum StreamFormat {
    /// The first byte of a stream; distinct from `SealedBox.version` so neither is mistaken for
    /// the other.
    static let version: UInt8 = 0x81
    static let saltLength = 32
    static let tagLength = 16
    static let noncePrefixLength = 4
    static let associatedDataFormat = "stream-v1"
    /// 64 KiB: memory per stream stays near two chunks.
    static let defaultChunkSize = 64 * 1024
    /// Streams declaring larger chunks are rejected, so opening never buffers more than this.
    static let maximumChunkSize = 16 * 1024 * 1024
    /// The longest header: 2 + 255 + 32 + 4 bytes.
    static let maximumHeaderLength = 2 + KeyIdentifier.maximumLength + saltLength + 4

    struct Header: Sendable {
        let keyID: String
        let salt: [UInt8]
        let chunkSize: Int
        /// The header exactly as written.
        let bytes: [UInt8]

        init(keyID: String, salt: [UInt8], chunkSize: Int) {
            precondition((1...StreamFormat.maximumChunkSize).contains(chunkSize), "chunk size out of range")
            self.keyID = keyID
            self.salt = salt
            self.chunkSize = chunkSize
            let size = UInt32(chunkSize)
            var bytes: [UInt8] = [StreamFormat.version, UInt8(keyID.utf8.count)]
            bytes += keyID.utf8
            bytes += salt
            bytes += [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)]
            self.bytes = bytes
        }

        /// Parses the header at the start of `bytes`; nil when more bytes are needed.
        /// - Throws: `.malformed` for another version, an empty or non-UTF-8 key id, or a chunk
        ///   size of 0 or above `maximumChunkSize`.
        static func parse(_ bytes: ArraySlice<UInt8>) throws -> Header? {
            guard let first = bytes.first else { return nil }
            guard first == StreamFormat.version else { throw EncryptionError(.malformed, "not an encrypted stream (first byte \(first))") }
            guard bytes.count >= 2 else { return nil }
            let start = bytes.startIndex
            let idLength = Int(bytes[start + 1])
            guard idLength > 0 else { throw EncryptionError(.malformed, "the stream header has an empty key id") }
            let saltStart = start + 2 + idLength
            let sizeStart = saltStart + StreamFormat.saltLength
            guard bytes.count >= sizeStart + 4 - start else { return nil }
            guard let keyID = String(validating: bytes[(start + 2)..<saltStart], as: UTF8.self) else {
                throw EncryptionError(.malformed, "the stream's key id is not UTF-8")
            }
            let size = bytes[sizeStart..<sizeStart + 4].reduce(0) { $0 << 8 | Int($1) }
            guard (1...StreamFormat.maximumChunkSize).contains(size) else {
                throw EncryptionError(.malformed, "the stream declares chunk size \(size), allowed 1...\(StreamFormat.maximumChunkSize)")
            }
            return Header(keyID: keyID, salt: Array(bytes[saltStart..<sizeStart]), chunkSize: size)
        }
    }

    /// The per-stream key and the chunk nonces and associated data derived from it.
    struct ChunkCipher: Sendable {
        private let streamKey: KeyBytes
        private let noncePrefix: [UInt8]
        private let associatedPrefix: [UInt8]

        init(dataKey: KeyBytes, header: Header, tenant: String, purpose: String) {
            associatedPrefix = AssociatedData.make(format: StreamFormat.associatedDataFormat, tenant: tenant, purpose: purpose, header: header.bytes)
            let derived = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: dataKey.symmetricKey, salt: header.salt, info: associatedPrefix,
                outputByteCount: KeyBytes.length + StreamFormat.noncePrefixLength
            ).withUnsafeBytes { Array($0) }
            streamKey = KeyBytes(Array(derived[..<KeyBytes.length]))
            noncePrefix = Array(derived[KeyBytes.length...])
        }

        func seal(_ chunk: ArraySlice<UInt8>, index: UInt64, isFinal: Bool) throws -> [UInt8] {
            let sealed = try AES.GCM.seal(
                chunk, using: streamKey.symmetricKey, nonce: try nonce(index), authenticating: associatedData(index, isFinal))
            return Array(sealed.ciphertext) + Array(sealed.tag)
        }

        /// - Throws: `.authenticationFailed` naming the chunk.
        func open(_ chunk: ArraySlice<UInt8>, index: UInt64, isFinal: Bool) throws -> [UInt8] {
            do {
                let box = try AES.GCM.SealedBox(
                    nonce: try nonce(index), ciphertext: chunk.dropLast(StreamFormat.tagLength), tag: chunk.suffix(StreamFormat.tagLength))
                return Array(try AES.GCM.open(box, using: streamKey.symmetricKey, authenticating: associatedData(index, isFinal)))
            } catch {
                throw EncryptionError(
                    .authenticationFailed,
                    "stream chunk \(index)\(isFinal ? " (final)" : "") failed authentication: the stream was altered, reordered, truncated, or belongs to another tenant or purpose")
            }
        }

        private func nonce(_ index: UInt64) throws -> AES.GCM.Nonce {
            try AES.GCM.Nonce(data: noncePrefix + bigEndian(index))
        }

        private func associatedData(_ index: UInt64, _ isFinal: Bool) -> [UInt8] {
            associatedPrefix + bigEndian(index) + [isFinal ? 1 : 0]
        }

        private func bigEndian(_ value: UInt64) -> [UInt8] {
            (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
        }
    }
}
