/// Decrypts a stream written by `StreamSealer`, chunk by chunk.
///
/// Feed the sealed bytes in pieces of any size with `update`, then call `finish`. The opener
/// holds at most one sealed chunk, so memory does not grow with the object.
///
/// - Important: `update` returns plaintext of chunks that authenticated individually, before the
///   end of the stream is known; only when `finish` returns is the whole object proven complete
///   and in order. Treat the output as provisional until then (the file functions of
///   `TenantCipher` write to a temporary file and move it into place only after `finish`).
///   After any error the opener refuses further input.
public struct StreamOpener: Sendable {
    private let keys: TenantKeyStore
    private let tenant: String
    private let purpose: String
    private var headerBytes: [UInt8] = []
    private var body: Body?
    private var failed = false

    init(keys: TenantKeyStore, tenant: String, purpose: String) {
        self.keys = keys
        self.tenant = tenant
        self.purpose = purpose
    }

    /// Takes the next sealed bytes; returns the plaintext of every chunk that is complete and
    /// known not to be the last. The first call that completes the header looks up the key.
    /// - Throws: `EncryptionError` (`.malformed`, `.unknownKey`, `.authenticationFailed`).
    public mutating func update(_ bytes: [UInt8]) async throws -> [UInt8] {
        try checkUsable()
        do {
            if body == nil {
                headerBytes += bytes
                guard let header = try StreamFormat.Header.parse(headerBytes[...]) else { return [] }
                let key = try await keys.key(for: tenant, id: header.keyID)
                body = Body(key: key, header: header, tenant: tenant, purpose: purpose)
                let rest = headerBytes[header.bytes.count...]
                headerBytes = []
                return try body!.update(rest)
            }
            return try body!.update(bytes[...])
        } catch {
            failed = true
            throw error
        }
    }

    /// Opens the final chunk and returns its plaintext; afterwards the whole stream is proven
    /// complete, in order and unaltered.
    /// - Throws: `.malformed` when the stream ends inside its header or inside a tag;
    ///   `.authenticationFailed` when it was truncated at a chunk boundary or altered.
    public mutating func finish() throws -> [UInt8] {
        try checkUsable()
        failed = true  // spent, whether this succeeds or not
        guard body != nil else { throw EncryptionError(.malformed, "the stream ended inside its header (\(headerBytes.count) bytes)") }
        return try body!.finish()
    }

    private func checkUsable() throws {
        if failed { throw EncryptionError(.malformed, "the stream opener already failed or finished") }
    }

    /// The header is known and the key found: decrypt chunks synchronously (also used by the
    /// file functions off the cooperative thread pool).
    struct Body: Sendable {
        private let chunks: StreamFormat.ChunkCipher
        private let sealedChunkSize: Int
        private var pending: [UInt8] = []
        private var index: UInt64 = 0

        init(key: TenantKey, header: StreamFormat.Header, tenant: String, purpose: String) {
            chunks = StreamFormat.ChunkCipher(dataKey: key.key, header: header, tenant: tenant, purpose: purpose)
            sealedChunkSize = header.chunkSize + StreamFormat.tagLength
            pending.reserveCapacity(sealedChunkSize)
        }

        mutating func update(_ bytes: ArraySlice<UInt8>) throws -> [UInt8] {
            var output = [UInt8]()
            var position = bytes.startIndex
            while position < bytes.endIndex {
                if pending.count == sealedChunkSize {
                    // More bytes follow, so the full chunk held back is not the last one.
                    output += try chunks.open(pending[...], index: index, isFinal: false)
                    index += 1
                    pending.removeAll(keepingCapacity: true)
                }
                let take = min(sealedChunkSize - pending.count, bytes.endIndex - position)
                pending += bytes[position..<position + take]
                position += take
            }
            return output
        }

        mutating func finish() throws -> [UInt8] {
            guard pending.count >= StreamFormat.tagLength else {
                throw EncryptionError(.malformed, "the stream is truncated: its last chunk has \(pending.count) bytes, less than a tag")
            }
            let output = try chunks.open(pending[...], index: index, isFinal: true)
            pending = []
            return output
        }
    }
}
