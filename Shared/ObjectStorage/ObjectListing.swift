/// One page of a listing: objects in ascending order of their keys' UTF-8 bytes (as S3 lists).
public struct ObjectListing: Sendable, Hashable {
    /// The objects of this page, at most the requested limit.
    public var objects: [ObjectInfo]
    /// Pass this to the next ``ObjectStore/list(prefix:continuationToken:limit:)`` call to get
    /// the next page; `nil` when this is the last page. Opaque: meaningful to the same store only.
    public var nextContinuationToken: String?

    public init(objects: [ObjectInfo], nextContinuationToken: String?) {
        self.objects = objects
        self.nextContinuationToken = nextContinuationToken
    }

    /// Whether more pages follow.
    public var isTruncated: Bool { nextContinuationToken != nil }

    /// The keys of this page, in order.
    public var keys: [String] { objects.map(\.key) }
}
