import Foundation

extension TenantCipher {
    /// The plaintext chunk size of new streams: 64 KiB.
    public static let defaultStreamChunkSize = StreamFormat.defaultChunkSize

    /// A sealer for one large object, using the tenant's active key.
    /// - Parameter chunkSize: plaintext bytes per chunk, 1 up to 16 MiB.
    public func makeStreamSealer(tenant: String, purpose: String, chunkSize: Int = defaultStreamChunkSize) async throws -> StreamSealer {
        guard (1...StreamFormat.maximumChunkSize).contains(chunkSize) else {
            throw EncryptionError(.malformed, "chunk size \(chunkSize) is outside 1...\(StreamFormat.maximumChunkSize)")
        }
        let key = try await keys.activeKey(for: tenant)
        return StreamSealer(key: key, tenant: tenant, purpose: purpose, chunkSize: chunkSize)
    }

    /// An opener for one stream sealed for the tenant and purpose; it finds the key the stream
    /// names when its header arrives.
    public func makeStreamOpener(tenant: String, purpose: String) -> StreamOpener {
        StreamOpener(keys: keys, tenant: tenant, purpose: purpose)
    }

    /// Seals the byte pieces of `source` as one stream, handing each sealed piece to `sink` in
    /// order. Memory is bounded by one chunk plus the largest source piece.
    public func sealStream<Source: AsyncSequence>(
        _ source: Source, tenant: String, purpose: String, chunkSize: Int = defaultStreamChunkSize,
        into sink: ([UInt8]) async throws -> Void
    ) async throws where Source.Element == [UInt8] {
        var sealer = try await makeStreamSealer(tenant: tenant, purpose: purpose, chunkSize: chunkSize)
        for try await piece in source {
            let output = try sealer.update(piece)
            if !output.isEmpty { try await sink(output) }
        }
        try await sink(try sealer.finish())
    }

    /// Opens the sealed byte pieces of `source`, handing plaintext to `sink` in order.
    /// - Important: `sink` receives authenticated chunks before the end of the stream is
    ///   verified; if this throws, discard everything `sink` received.
    public func openStream<Source: AsyncSequence>(
        _ source: Source, tenant: String, purpose: String, into sink: ([UInt8]) async throws -> Void
    ) async throws where Source.Element == [UInt8] {
        var opener = makeStreamOpener(tenant: tenant, purpose: purpose)
        for try await piece in source {
            let output = try await opener.update(piece)
            if !output.isEmpty { try await sink(output) }
        }
        let last = try opener.finish()
        if !last.isEmpty { try await sink(last) }
    }

    /// Seals the file at `source` into `destination` as one stream, reading and writing one
    /// chunk at a time off the cooperative thread pool. `destination` appears only when complete.
    public func sealFile(at source: URL, to destination: URL, tenant: String, purpose: String, chunkSize: Int = defaultStreamChunkSize) async throws {
        let sealer = try await makeStreamSealer(tenant: tenant, purpose: purpose, chunkSize: chunkSize)
        try await BlockingIO.run {
            var streamSealer = sealer
            let input = try FileHandle(forReadingFrom: source)
            defer { try? input.close() }
            let output = try AtomicFileWriter(destination: destination)
            while let data = try input.read(upToCount: chunkSize), !data.isEmpty {
                try output.write(try streamSealer.update(Array(data)))
            }
            try output.write(try streamSealer.finish())
            try output.commit()
        }
    }

    /// Opens the stream in the file at `source` into `destination`, one chunk at a time off the
    /// cooperative thread pool. `destination` appears only when the whole stream authenticated;
    /// on any error it is not created (and an existing file there is left untouched).
    /// - Throws: `EncryptionError` as `StreamOpener`; file errors.
    public func openFile(at source: URL, to destination: URL, tenant: String, purpose: String) async throws {
        let header = try await BlockingIO.run { () throws -> StreamFormat.Header in
            let input = try FileHandle(forReadingFrom: source)
            defer { try? input.close() }
            let prefix = try input.read(upToCount: StreamFormat.maximumHeaderLength) ?? Data()
            guard let header = try StreamFormat.Header.parse(Array(prefix)[...]) else {
                throw EncryptionError(.malformed, "the stream ended inside its header (\(prefix.count) bytes)")
            }
            return header
        }
        let key = try await keys.key(for: tenant, id: header.keyID)
        try await BlockingIO.run {
            var body = StreamOpener.Body(key: key, header: header, tenant: tenant, purpose: purpose)
            let input = try FileHandle(forReadingFrom: source)
            defer { try? input.close() }
            try input.seek(toOffset: UInt64(header.bytes.count))
            let output = try AtomicFileWriter(destination: destination)
            while let data = try input.read(upToCount: header.chunkSize + StreamFormat.tagLength), !data.isEmpty {
                try output.write(try body.update(Array(data)[...]))
            }
            try output.write(try body.finish())
            try output.commit()
        }
    }
}
