import Foundation

/// What a store knows about one object without reading it.
public struct ObjectInfo: Sendable, Hashable {
    /// The object's key.
    public var key: String
    /// The object's size in bytes.
    public var size: Int64
    /// An opaque tag that changes whenever the object is rewritten with other contents (S3: the
    /// ETag without quotes; the local store: one derived from size and modification time).
    public var etag: String?
    /// When the object was last written, when the store says.
    public var lastModified: Date?

    public init(key: String, size: Int64, etag: String?, lastModified: Date?) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}
