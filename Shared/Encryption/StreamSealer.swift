/// Encrypts one large object chunk by chunk (format: `StreamFormat`).
///
/// Feed the plaintext in pieces of any size with `update`, then call `finish` once; write each
/// returned piece out in order. The sealer holds at most one chunk of plaintext (64 KiB by
/// default), so memory does not grow with the object. Obtain one from
/// `TenantCipher.makeStreamSealer(tenant:purpose:)`.
public struct StreamSealer: Sendable {
    private let header: StreamFormat.Header
    private let chunks: StreamFormat.ChunkCipher
    private var pending: [UInt8] = []
    private var index: UInt64 = 0
    private var headerWritten = false
    private var finished = false

    /// The id of the tenant key the stream is sealed with.
    public var keyID: String { header.keyID }

    init(key: TenantKey, tenant: String, purpose: String, chunkSize: Int) {
        header = StreamFormat.Header(keyID: key.id, salt: KeyBytes.random().bytes, chunkSize: chunkSize)
        chunks = StreamFormat.ChunkCipher(dataKey: key.key, header: header, tenant: tenant, purpose: purpose)
        pending.reserveCapacity(chunkSize)
    }

    /// Takes the next plaintext bytes; returns the output ready so far (the header, then every
    /// chunk known not to be the last). Holds back at most one chunk of plaintext.
    /// - Precondition: `finish` has not been called.
    public mutating func update(_ bytes: [UInt8]) throws -> [UInt8] {
        precondition(!finished, "StreamSealer.update after finish")
        var output = takeHeader()
        var position = bytes.startIndex
        while position < bytes.endIndex {
            if pending.count == header.chunkSize {
                // More plaintext follows, so the full chunk held back is not the last one.
                output += try chunks.seal(pending[...], index: index, isFinal: false)
                index += 1
                pending.removeAll(keepingCapacity: true)
            }
            let take = min(header.chunkSize - pending.count, bytes.endIndex - position)
            pending += bytes[position..<position + take]
            position += take
        }
        return output
    }

    /// Seals the last chunk (possibly empty) and returns the remaining output. After this the
    /// sealer is spent.
    /// - Precondition: `finish` has not been called before.
    public mutating func finish() throws -> [UInt8] {
        precondition(!finished, "StreamSealer.finish called twice")
        finished = true
        let output = takeHeader() + (try chunks.seal(pending[...], index: index, isFinal: true))
        pending = []
        return output
    }

    private mutating func takeHeader() -> [UInt8] {
        guard !headerWritten else { return [] }
        headerWritten = true
        return header.bytes
    }
}
