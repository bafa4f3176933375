/// Feeds request bytes to libcurl's read callback from memory or from a file.
///
/// Used only on the engine thread.
struct CurlUploadReader {
    private enum Source {
        case bytes([UInt8], offset: Int)
        case file(descriptor: Int32, path: String)
        case closed
    }

    private var source: Source

    /// A reader over `bytes`.
    init(bytes: [UInt8]) {
        source = .bytes(bytes, offset: 0)
    }

    /// A reader over the file at `path`, opened now.
    /// - Throws: ``CurlTransferFailure`` (`CURLE_READ_ERROR`) when the file cannot be opened.
    init(path: String) throws(CurlTransferFailure) {
        let descriptor = SystemFile.openForReading(path)
        guard descriptor >= 0 else {
            throw CurlTransferFailure(code: .readError, message: "cannot open \(path): \(SystemFile.lastError)")
        }
        source = .file(descriptor: descriptor, path: path)
    }

    /// Copies the next bytes into `buffer`; 0 means the end. Returns a failure when the file cannot be read.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, CurlTransferFailure> {
        switch source {
        case .bytes(let bytes, let offset):
            let count = min(buffer.count, bytes.count - offset)
            if count > 0 {
                bytes.withUnsafeBytes { all in
                    buffer.baseAddress!.copyMemory(from: all.baseAddress! + offset, byteCount: count)
                }
            }
            source = .bytes(bytes, offset: offset + count)
            return .success(count)
        case .file(let descriptor, let path):
            while true {
                let count = SystemFile.read(descriptor, buffer.baseAddress!, buffer.count)
                if count >= 0 { return .success(count) }
                if SystemFile.interrupted { continue }
                return .failure(CurlTransferFailure(code: .readError, message: "cannot read \(path): \(SystemFile.lastError)"))
            }
        case .closed:
            return .success(0)
        }
    }

    /// Closes the file, if any.
    mutating func close() {
        if case .file(let descriptor, _) = source {
            SystemFile.close(descriptor)
        }
        source = .closed
    }
}
