/// What ``JiraClient/createIssue(_:)`` creates.
public struct JiraIssueCreation: Sendable, Hashable {
    /// The project: its key (`ACME`) or numeric id.
    public var project: JiraReference
    /// The issue type: its name (`Task`) or id.
    public var issueType: JiraReference
    public var summary: String
    public var description: ADFDocument?
    /// The reporter's account id; set only when the project lets us (see ``JiraClient/createIssue(_:)``).
    public var reporterAccountID: String?
    public var labels: [String]
    /// Custom (or other) fields by id (`customfield_10010`), their values as Jira expects them.
    public var fields: [String: JSONValue]
    /// Issue properties set with the issue, atomically (`mailbridge.message` → the Message-ID).
    public var properties: [String: JSONValue]

    public init(
        project: JiraReference, issueType: JiraReference, summary: String, description: ADFDocument? = nil,
        reporterAccountID: String? = nil, labels: [String] = [], fields: [String: JSONValue] = [:],
        properties: [String: JSONValue] = [:]
    ) {
        self.project = project
        self.issueType = issueType
        self.summary = summary
        self.description = description
        self.reporterAccountID = reporterAccountID
        self.labels = labels
        self.fields = fields
        self.properties = properties
    }

    /// The `IssueUpdateDetails` body.
    func body(includingReporter: Bool) -> JSONValue {
        var fields = self.fields
        fields["project"] = project.json(nameKey: "key")
        fields["issuetype"] = issueType.json(nameKey: "name")
        fields["summary"] = .string(summary)
        if let description { fields["description"] = description.json }
        if includingReporter, let reporterAccountID { fields["reporter"] = ["accountId": .string(reporterAccountID)] }
        if !labels.isEmpty { fields["labels"] = .array(labels.map(JSONValue.string)) }
        var body: [String: JSONValue] = ["fields": .object(fields)]
        if !properties.isEmpty {
            body["properties"] = .array(properties.keys.sorted().map { ["key": .string($0), "value": properties[$0]!] })
        }
        return .object(body)
    }
}

/// A project or issue type, named by id or by key/name.
public enum JiraReference: Sendable, Hashable {
    case id(String)
    /// A project's key or an issue type's name.
    case name(String)

    func json(nameKey: String) -> JSONValue {
        switch self {
        case .id(let id): ["id": .string(id)]
        case .name(let name): .object([nameKey: .string(name)])
        }
    }
}

/// The answer to creating an issue.
public struct JiraCreatedIssue: Sendable, Hashable, Codable {
    public var id: String
    public var key: String
    /// Whether the requested reporter was set (`false` when Jira refused the field and the issue
    /// was created without it, so the app's user is the reporter).
    public var reporterSet: Bool = false

    private enum CodingKeys: String, CodingKey { case id, key }
}
