/// An attachment's metadata.
public struct JiraAttachment: Sendable, Hashable, Codable {
    public var id: String
    public var filename: String
    public var size: Int64?
    public var mimeType: String?
    /// The URL of its content (``JiraClient/downloadAttachment(id:to:maxBytes:)`` fetches it by id).
    public var content: String?
    public var created: String?
    public var author: JiraUser?

    public init(
        id: String, filename: String, size: Int64? = nil, mimeType: String? = nil, content: String? = nil, created: String? = nil,
        author: JiraUser? = nil
    ) {
        self.id = id
        self.filename = filename
        self.size = size
        self.mimeType = mimeType
        self.content = content
        self.created = created
        self.author = author
    }
}
