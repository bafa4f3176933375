/// Where the engine thread puts response bytes: memory or a file, with an optional byte limit.
///
/// Used only on the engine thread, from the write callback.
struct CurlBodySink {
    private enum Storage {
        case memory([UInt8])
        case file(descriptor: Int32, path: String)
        case closed
    }

    private var storage: Storage
    private let limit: Int64?
    /// Body bytes accepted so far.
    private(set) var byteCount: Int64 = 0

    /// A sink for `destination`; a file destination is created (or truncated) now, mode 0600.
    /// - Throws: ``CurlTransferFailure`` (`CURLE_WRITE_ERROR`) when the file cannot be created.
    init(_ destination: CurlTransferRequest.Destination) throws(CurlTransferFailure) {
        switch destination {
        case .memory(let limit):
            self.storage = .memory([])
            self.limit = limit
        case .file(let path, let limit):
            let descriptor = SystemFile.create(path)
            guard descriptor >= 0 else {
                throw CurlTransferFailure(code: .writeError, message: "cannot create \(path): \(SystemFile.lastError)")
            }
            self.storage = .file(descriptor: descriptor, path: path)
            self.limit = limit
        }
    }

    /// Accepts `bytes`, or explains why the transfer must stop (limit passed, file write failed).
    mutating func write(_ bytes: UnsafeRawBufferPointer) -> CurlTransferFailure? {
        let total = byteCount + Int64(bytes.count)
        if let limit, total > limit {
            return CurlTransferFailure(
                code: .filesizeExceeded,
                message: "response body exceeds the limit of \(limit) bytes"
            )
        }
        switch storage {
        case .memory(var buffer):
            storage = .closed  // keeps `buffer` uniquely referenced while it grows
            buffer.append(contentsOf: bytes)
            storage = .memory(buffer)
        case .file(let descriptor, let path):
            var offset = 0
            while offset < bytes.count {
                let written = SystemFile.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if SystemFile.interrupted { continue }
                    return CurlTransferFailure(code: .writeError, message: "cannot write \(path): \(SystemFile.lastError)")
                }
                offset += written
            }
        case .closed:
            return CurlTransferFailure(code: .writeError, message: "response body arrived after the sink was closed")
        }
        byteCount = total
        return nil
    }

    /// Ends a successful transfer: closes the file and returns the in-memory body (empty for a file).
    /// - Throws: ``CurlTransferFailure`` when the file cannot be closed cleanly (it is then removed).
    mutating func finish() throws(CurlTransferFailure) -> [UInt8] {
        defer { storage = .closed }
        switch storage {
        case .memory(let buffer):
            return buffer
        case .file(let descriptor, let path):
            if SystemFile.close(descriptor) != 0 {
                let reason = SystemFile.lastError
                SystemFile.remove(path)
                throw CurlTransferFailure(code: .writeError, message: "cannot close \(path): \(reason)")
            }
            return []
        case .closed:
            return []
        }
    }

    /// Ends a failed or cancelled transfer: drops the bytes, closes and removes the file.
    mutating func discard() {
        if case .file(let descriptor, let path) = storage {
            SystemFile.close(descriptor)
            SystemFile.remove(path)
        }
        storage = .closed
    }
}
