#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read as a message.
public struct MailFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "cannot read \(path): \(String(cString: strerror(errno)))" }
}

extension MailBytes {
    /// Reads a whole file straight into the message buffer: one allocation of the file's size,
    /// no intermediate `Data` copy (a 25 MB message costs 25 MB, not 50).
    public convenience init(contentsOfFile path: String) throws(MailFileError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw MailFileError(path: path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw MailFileError(path: path, errno: errno) }
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: Int(status.st_size)) { buffer, count in
            count = 0
            while count < buffer.count {
                let result = read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if result == 0 { break }  // the file shrank while we read it
                count += result
            }
        }
        guard failure == 0 else { throw MailFileError(path: path, errno: failure) }
        // A file that grew while we read it (or a pipe-like file with st_size 0): read the rest.
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let result = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                throw MailFileError(path: path, errno: errno)
            }
            if result == 0 { break }
            bytes.append(contentsOf: chunk[0..<result])
        }
        self.init(bytes)
    }
}
