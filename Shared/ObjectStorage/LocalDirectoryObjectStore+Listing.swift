import Foundation

extension LocalDirectoryObjectStore {
    /// One page of keys under `prefix`, in ascending UTF-8 byte order.
    ///
    /// The continuation token is the last key of the previous page; the walk skips whole
    /// directories that lie before it or outside the prefix, so a page costs about as many
    /// directory reads as it has directories.
    public func list(prefix: String, continuationToken: String?, limit: Int) async throws -> ObjectListing {
        try ObjectKey.validatePrefix(prefix)
        let limit = try checkedListLimit(limit)
        let rootPath = root.path
        return try await BlockingIO.run { () throws -> ObjectListing in
            var walk = Walk(prefix: Array(prefix.utf8), after: continuationToken.map { Array($0.utf8) }, wanted: limit + 1)
            try walk.visit(directory: rootPath, keyPrefix: [])
            let more = walk.found.count > limit
            let objects = Array(walk.found.prefix(limit))
            return ObjectListing(objects: objects, nextContinuationToken: more ? objects.last?.key : nil)
        }
    }

    /// A depth-first walk in key order that collects up to `wanted` objects.
    struct Walk {
        let prefix: [UInt8]
        let after: [UInt8]?
        let wanted: Int
        var found: [ObjectInfo] = []

        init(prefix: [UInt8], after: [UInt8]?, wanted: Int) {
            self.prefix = prefix
            self.after = after
            self.wanted = wanted
        }

        mutating func visit(directory: String, keyPrefix: [UInt8]) throws(ObjectStorageError) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                // Missing (never written, or pruned meanwhile) or not a directory: nothing here.
                return
            }
            // Sort by what each entry stands for: an object's key, or a directory's key prefix
            // with its `/`; this is the order of the keys below them.
            var entries: [(sortKey: [UInt8], name: String, isDirectory: Bool)] = []
            for name in names {
                switch Layout.classify(name) {
                case .object(let segment): entries.append((keyPrefix + segment, name, false))
                case .directory(let segment): entries.append((keyPrefix + segment + [UInt8(ascii: "/")], name, true))
                case .ignored: continue
                }
            }
            entries.sort { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
            for entry in entries {
                guard found.count < wanted else { return }
                let path = directory + "/" + entry.name
                if entry.isDirectory {
                    let below = entry.sortKey
                    // Every key below starts with `below`: skip when none can match the prefix…
                    guard below.starts(with: prefix) || prefix.starts(with: below) else { continue }
                    // …or all of them come before the continuation point.
                    if let after, !after.starts(with: below), below.lexicographicallyPrecedes(after) { continue }
                    try visit(directory: path, keyPrefix: below)
                } else {
                    let key = entry.sortKey
                    guard key.starts(with: prefix) else { continue }
                    if let after, !after.lexicographicallyPrecedes(key) { continue }
                    var info = stat()
                    guard stat(path, &info) == 0 else { continue }  // deleted meanwhile
                    found.append(LocalDirectoryObjectStore.info(key: String(decoding: key, as: UTF8.self), stat: info))
                }
            }
        }
    }
}
