/// A comment on an issue.
public struct JiraComment: Sendable, Hashable, Decodable {
    public var id: String
    public var body: ADFDocument?
    public var author: JiraUser?
    public var created: String?
    public var updated: String?

    private enum CodingKeys: String, CodingKey { case id, body, author, created, updated }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        body = try? container.decodeIfPresent(ADFDocument.self, forKey: .body)
        author = try? container.decodeIfPresent(JiraUser.self, forKey: .author)
        created = try container.decodeIfPresent(String.self, forKey: .created)
        updated = try container.decodeIfPresent(String.self, forKey: .updated)
    }
}
