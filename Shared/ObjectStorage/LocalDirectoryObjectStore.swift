import Foundation

/// An ``ObjectStore`` in a directory of the local file system: the embedded default.
///
/// Keys map to files as ``Layout`` describes. Writes are atomic and durable: a temporary file in
/// the object's directory is written, flushed (`fsync`), renamed over the object and the
/// directory is flushed, so a reader or a crash sees the old object or the whole new one.
/// Listing and deletion behave as in S3: keys in ascending UTF-8 byte order, pages with
/// continuation tokens, deleting a missing key succeeds; directories left empty by a delete
/// are removed. Blocking file-system calls run off the cooperative thread pool. Files are
/// created with mode 0600 and directories with 0700.
public struct LocalDirectoryObjectStore: ObjectStore {
    /// The directory holding the objects; created when the first object is written.
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public func put(key: String, bytes: [UInt8]) async throws {
        try await write(key) { (file: LocalFile) throws(ObjectStorageError) in try file.write(bytes) }
    }

    public func put(key: String, file: URL) async throws {
        let sourcePath = file.path
        let source = try await BlockingIO.run { try LocalFile.openForReading(sourcePath) }
        defer { source.close() }
        try await write(key) { (file: LocalFile) throws(ObjectStorageError) in _ = try file.copy(from: source) }
    }

    public func get(key: String) async throws -> [UInt8] {
        let path = try objectPath(key)
        return try await BlockingIO.run { () throws -> [UInt8] in
            let file = try openObject(path, key: key)
            defer { file.close() }
            let size = try file.status().size
            return try file.read(at: 0, count: Int(size))
        }
    }

    public func get(key: String, to destination: URL) async throws {
        let path = try objectPath(key)
        let destinationPath = destination.path
        try await BlockingIO.run { () throws in
            let file = try openObject(path, key: key)
            defer { file.close() }
            try LocalFile.writeAtomically(destinationPath) { (target: LocalFile) throws(ObjectStorageError) in _ = try target.copy(from: file) }
        }
    }

    public func head(key: String) async throws -> ObjectInfo? {
        let path = try objectPath(key)
        return try await BlockingIO.run { () throws -> ObjectInfo? in
            var info = stat()
            guard stat(path, &info) == 0 else {
                if errno == ENOENT || errno == ENOTDIR { return nil }
                throw ObjectStorageError.io("stat", path: path, errno: errno)
            }
            return Self.info(key: key, stat: info)
        }
    }

    public func delete(key: String) async throws {
        let path = try objectPath(key)
        let rootPath = root.path
        try await BlockingIO.run { () throws in
            guard unlink(path) == 0 || errno == ENOENT || errno == ENOTDIR else {
                throw ObjectStorageError.io("unlink", path: path, errno: errno)
            }
            // Remove the directories this left empty; stops at the first that is not.
            var directory = (path as NSString).deletingLastPathComponent
            while directory.count > rootPath.count, directory.hasPrefix(rootPath), rmdir(directory) == 0 {
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
    }

    public func deleteAll(prefix: String) async throws -> Int {
        try ObjectKey.validatePrefix(prefix)
        var deleted = 0
        while true {
            let page = try await list(prefix: prefix, continuationToken: nil, limit: maxListLimit)
            guard !page.objects.isEmpty else { return deleted }
            for key in page.keys {
                try await delete(key: key)
            }
            deleted += page.objects.count
        }
    }

    /// The absolute path of `key`'s file, after checking the key.
    func objectPath(_ key: String) throws(ObjectStorageError) -> String {
        try ObjectKey.validate(key)
        let names = try Layout.names(for: key)
        return ([root.path] + names.directories + [names.file]).joined(separator: "/")
    }

    /// Checks the key, creates its directories (flushing each new one into its parent) and
    /// writes its file atomically with `fill`. A directory removed by a concurrent delete
    /// between its creation and the write is created again.
    private func write(_ key: String, _ fill: @escaping @Sendable (LocalFile) throws(ObjectStorageError) -> Void) async throws {
        try ObjectKey.validate(key)
        let names = try Layout.names(for: key)
        let rootPath = root.path
        try await BlockingIO.run { () throws in
            var attempt = 1
            while true {
                do {
                    try Self.makeDirectory(rootPath, parentSync: false)
                    var directory = rootPath
                    for name in names.directories {
                        directory += "/" + name
                        try Self.makeDirectory(directory, parentSync: true)
                    }
                    try LocalFile.writeAtomically(directory + "/" + names.file, fill: fill)
                    return
                } catch let error as ObjectStorageError where error.systemError == ENOENT && attempt < 5 {
                    attempt += 1
                }
            }
        }
    }

    private static func makeDirectory(_ path: String, parentSync: Bool) throws(ObjectStorageError) {
        if mkdir(path, 0o700) == 0 {
            if parentSync { try LocalFile.syncDirectory((path as NSString).deletingLastPathComponent) }
            return
        }
        if errno == EEXIST { return }
        if errno == ENOENT, !parentSync {
            // The root's own parents: create them the ordinary way.
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                return
            } catch {
                throw ObjectStorageError(code: "IOError", message: "create directory \(path): \(error)")
            }
        }
        throw .io("mkdir", path: path, errno: errno)
    }

    private func openObject(_ path: String, key: String) throws(ObjectStorageError) -> LocalFile {
        do {
            return try LocalFile.openForReading(path)
        } catch where error.systemError == ENOENT || error.systemError == ENOTDIR {
            // The object, or one of its directories, is not there.
            throw .noSuchKey(key)
        }
    }

    static func info(key: String, stat info: stat) -> ObjectInfo {
        let nanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        return ObjectInfo(
            key: key,
            size: Int64(info.st_size),
            etag: "\(String(info.st_size, radix: 16))-\(String(nanoseconds, radix: 16))",
            lastModified: Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        )
    }
}
