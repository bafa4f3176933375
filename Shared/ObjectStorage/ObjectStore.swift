import Foundation

/// A flat store of objects addressed by string keys, with S3's semantics.
///
/// Every implementation guarantees the same behaviour, so code and tests written against this
/// protocol hold for all of them:
/// - Keys obey ``ObjectKey``; a bad key throws `InvalidKey` before anything is sent or written.
/// - A `put` replaces the whole object or leaves the old one: readers never see a partial object.
/// - Reading a missing key throws ``ObjectStorageError`` with code `NoSuchKey`; deleting one is
///   not an error.
/// - Listings are in ascending order of the keys' UTF-8 bytes and page with continuation tokens.
/// - Errors are ``ObjectStorageError``s (or `CancellationError`).
public protocol ObjectStore: Sendable {
    /// Stores `bytes` under `key`, replacing any object there.
    func put(key: String, bytes: [UInt8]) async throws

    /// Stores the contents of the local file `file` under `key`, replacing any object there.
    ///
    /// The file is streamed: memory use stays bounded (near one multipart part for S3) whatever
    /// the file's size. The file must not change while it is uploaded.
    func put(key: String, file: URL) async throws

    /// The whole object stored under `key`. Meant for small objects; use
    /// ``get(key:to:)`` for large ones.
    ///
    /// - Throws: `NoSuchKey` when there is no such object.
    func get(key: String) async throws -> [UInt8]

    /// Streams the object stored under `key` into the local file `file`, created with mode 0600
    /// or replaced. The file appears only when the whole object was read; on failure an existing
    /// file at that path is left as it was.
    ///
    /// - Throws: `NoSuchKey` when there is no such object.
    func get(key: String, to file: URL) async throws

    /// The object's size, tag and modification time; `nil` when there is no such object.
    func head(key: String) async throws -> ObjectInfo?

    /// Removes the object under `key`. Removing a missing object succeeds, as in S3.
    func delete(key: String) async throws

    /// A page of at most `limit` objects whose keys start with `prefix`, after the position
    /// `continuationToken` (from the previous page) names.
    ///
    /// - Parameter limit: 1…1000 (S3's largest page); larger values are treated as 1000.
    func list(prefix: String, continuationToken: String?, limit: Int) async throws -> ObjectListing

    /// Deletes every object whose key starts with `prefix`, and returns how many it deleted.
    /// For purges: objects written under the prefix while it runs may survive.
    ///
    /// - Important: an empty prefix deletes everything in the store.
    func deleteAll(prefix: String) async throws -> Int
}

extension ObjectStore {
    /// A page of at most 1000 objects whose keys start with `prefix`.
    public func list(prefix: String = "", continuationToken: String? = nil) async throws -> ObjectListing {
        try await list(prefix: prefix, continuationToken: continuationToken, limit: 1000)
    }

    /// Every key that starts with `prefix`, in order, reading all pages.
    public func allKeys(prefix: String = "") async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            let page = try await list(prefix: prefix, continuationToken: token, limit: 1000)
            keys += page.keys
            token = page.nextContinuationToken
        } while token != nil
        return keys
    }
}

/// The largest page a listing returns.
let maxListLimit = 1000

/// Checks a listing limit, returning it capped at ``maxListLimit``.
func checkedListLimit(_ limit: Int) throws(ObjectStorageError) -> Int {
    guard limit > 0 else { throw .invalidArgument("a listing limit must be at least 1, not \(limit)") }
    return min(limit, maxListLimit)
}
