import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An open file descriptor with the few blocking operations the stores need; errors are
/// ``ObjectStorageError``s with code `IOError` naming the path. Close it exactly once.
struct LocalFile {
    let descriptor: Int32
    let path: String

    /// Opens `path` for reading.
    static func openForReading(_ path: String) throws(ObjectStorageError) -> LocalFile {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("open", path: path, errno: errno) }
        return LocalFile(descriptor: descriptor, path: path)
    }

    /// Creates `path`, which must not exist, for writing with mode 0600.
    static func createExclusive(_ path: String) throws(ObjectStorageError) -> LocalFile {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io("create", path: path, errno: errno) }
        return LocalFile(descriptor: descriptor, path: path)
    }

    func close() {
        _ = Glibc.close(descriptor)
    }

    /// The file's size and modification time (nanoseconds since 1970).
    func status() throws(ObjectStorageError) -> (size: Int64, modifiedNanoseconds: Int64) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io("stat", path: path, errno: errno) }
        return (Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    func read(at offset: Int64, count: Int) throws(ObjectStorageError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = result.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io("read", path: path, errno: errno)
            }
            if got == 0 { break }
            filled += got
        }
        result.removeLast(count - filled)
        return result
    }

    /// Writes all of `bytes` at the current position.
    func write(_ bytes: [UInt8]) throws(ObjectStorageError) {
        let error: Int32? = bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        if let error { throw .io("write", path: path, errno: error) }
    }

    /// Flushes the file's data and metadata to stable storage.
    func sync() throws(ObjectStorageError) {
        guard fsync(descriptor) == 0 else { throw .io("fsync", path: path, errno: errno) }
    }

    /// Copies the whole of `source` to this file in 1 MiB chunks, returning the bytes copied.
    func copy(from source: LocalFile) throws(ObjectStorageError) -> Int64 {
        var offset: Int64 = 0
        while true {
            let chunk = try source.read(at: offset, count: 1 << 20)
            if chunk.isEmpty { return offset }
            try write(chunk)
            offset += Int64(chunk.count)
        }
    }

    /// Flushes the directory `path` so that entries renamed or created in it are durable.
    static func syncDirectory(_ path: String) throws(ObjectStorageError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io("open directory", path: path, errno: errno) }
        defer { _ = Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io("fsync directory", path: path, errno: errno) }
    }

    /// Writes a file beside `destination` with `fill`, flushes it and renames it over
    /// `destination`, then flushes the directory: readers see the old file or the whole new one.
    static func writeAtomically(_ destination: String, fill: (LocalFile) throws(ObjectStorageError) -> Void) throws(ObjectStorageError) {
        let directory = (destination as NSString).deletingLastPathComponent
        let temporary = "\(directory)/~tmp-\(UUID().uuidString)"
        let file = try createExclusive(temporary)
        do {
            try fill(file)
            try file.sync()
            file.close()
        } catch {
            file.close()
            unlink(temporary)
            throw error
        }
        guard rename(temporary, destination) == 0 else {
            let code = errno
            unlink(temporary)
            throw .io("rename to", path: destination, errno: code)
        }
        try syncDirectory(directory)
    }
}
