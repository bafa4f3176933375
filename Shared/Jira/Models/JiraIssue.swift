/// An issue as `GET /rest/api/3/issue/{key}` returns it: the fields Mailbridge reads, typed; any
/// other requested field (custom fields) raw in ``JiraIssueFields/other``.
public struct JiraIssue: Sendable, Hashable, Decodable {
    public var id: String
    public var key: String
    public var fields: JiraIssueFields
    /// The issue properties asked for with `properties`, by key.
    public var properties: [String: JSONValue]

    /// The fields ``JiraClient/issue(_:fields:properties:)`` asks for unless told otherwise.
    public static let defaultFields = [
        "summary", "status", "reporter", "assignee", "labels", "issuetype", "project", "watches", "created", "updated",
    ]

    private enum CodingKeys: String, CodingKey { case id, key, fields, properties }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        key = try container.decode(String.self, forKey: .key)
        fields = try container.decodeIfPresent(JiraIssueFields.self, forKey: .fields) ?? JiraIssueFields()
        properties = try container.decodeIfPresent([String: JSONValue].self, forKey: .properties) ?? [:]
    }
}

/// The fields of an issue; each is `nil` when not requested, not set, or hidden from us.
public struct JiraIssueFields: Sendable, Hashable, Decodable {
    public var summary: String?
    public var status: JiraStatus?
    public var reporter: JiraUser?
    public var assignee: JiraUser?
    public var labels: [String]?
    public var issueType: JiraNamedEntity?
    public var project: JiraProject?
    /// How many watch the issue, and whether we do (the list itself: ``JiraClient/watchers(ofIssue:)``).
    public var watches: JiraWatchCount?
    /// The description in Atlassian Document Format (`nil` when empty or not valid ADF).
    public var description: ADFDocument?
    /// ISO 8601 times as Jira writes them (`2026-11-28T10:00:00.000+0000`).
    public var created: String?
    public var updated: String?
    /// Every other field returned (custom fields by id), raw.
    public var other: [String: JSONValue] = [:]

    public init() {}

    private struct FieldKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldKey.self)
        func value<T: Decodable>(_ name: String, _ type: T.Type) -> T? {
            try? container.decodeIfPresent(type, forKey: FieldKey(name))
        }
        summary = value("summary", String.self)
        status = value("status", JiraStatus.self)
        reporter = value("reporter", JiraUser.self)
        assignee = value("assignee", JiraUser.self)
        labels = value("labels", [String].self)
        issueType = value("issuetype", JiraNamedEntity.self)
        project = value("project", JiraProject.self)
        watches = value("watches", JiraWatchCount.self)
        description = value("description", ADFDocument.self)
        created = value("created", String.self)
        updated = value("updated", String.self)
        let typed: Set<String> = ["summary", "status", "reporter", "assignee", "labels", "issuetype", "project", "watches", "description", "created", "updated"]
        for key in container.allKeys where !typed.contains(key.stringValue) {
            other[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
        }
    }
}

/// An issue's workflow status.
public struct JiraStatus: Sendable, Hashable, Codable {
    public var id: String?
    public var name: String
    public var statusCategory: Category?

    /// The status's category: `new`, `indeterminate` or `done`.
    public struct Category: Sendable, Hashable, Codable {
        public var key: String?
        public var name: String?
    }
}

/// Something Jira names and numbers: an issue type, a priority.
public struct JiraNamedEntity: Sendable, Hashable, Codable {
    public var id: String?
    public var name: String?
}

/// The project an issue belongs to.
public struct JiraProject: Sendable, Hashable, Codable {
    public var id: String?
    public var key: String?
    public var name: String?
}

/// The `watches` field of an issue.
public struct JiraWatchCount: Sendable, Hashable, Codable {
    public var watchCount: Int?
    public var isWatching: Bool?
}

/// The answer of `GET /rest/api/3/issue/{key}/watchers`.
public struct JiraWatchers: Sendable, Hashable, Codable {
    public var watchCount: Int?
    public var isWatching: Bool?
    public var watchers: [JiraUser]
}
