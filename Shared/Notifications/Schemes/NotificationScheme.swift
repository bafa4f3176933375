/// One project's notification scheme: which events send mail, to whom, with which templates.
///
/// Its JSON form is what `mailbridge scheme import` reads and `export` writes:
/// ```json
/// { "project": "ACME", "templateSet": "default", "from": "jira@acme.test",
///   "notifications": [
///     { "event": "commented", "issueTypes": ["Bug"], "changedFields": [],
///       "recipients": { "reporter": true, "assignee": true, "watchers": true,
///                       "emailParticipantFields": ["customfield_10050"],
///                       "addresses": ["support@acme.test"], "includeActor": false } } ] }
/// ```
public struct NotificationScheme: Sendable, Equatable, Codable {
    /// The Jira project key.
    public var project: String
    /// The template set to render with (`default`: the shipped templates unless overridden).
    public var templateSet: String
    /// The `From` address of the mails; the renderer's configured default when `nil`.
    public var from: String?
    /// At most one rule per event kind.
    public var notifications: [NotificationRule]

    public init(project: String, templateSet: String = "default", from: String? = nil, notifications: [NotificationRule]) {
        self.project = project
        self.templateSet = templateSet
        self.from = from
        self.notifications = notifications
    }

    private enum CodingKeys: String, CodingKey { case project, templateSet, from, notifications }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        project = try container.decode(String.self, forKey: .project)
        templateSet = try container.decodeIfPresent(String.self, forKey: .templateSet) ?? "default"
        from = try container.decodeIfPresent(String.self, forKey: .from)
        notifications = try container.decode([NotificationRule].self, forKey: .notifications)
    }

    /// The webhook events the webhook service must keep for this scheme (its early-drop list).
    public var webhookEvents: Set<String> { Set(notifications.map(\.event.webhookEvent)) }
}

/// When one kind of event sends mail, and to whom.
public struct NotificationRule: Sendable, Equatable, Codable {
    public var event: NotificationEventKind
    /// Only issues of these types (by name); every type when empty.
    public var issueTypes: [String]
    /// Only when one of these fields changed (by id or changelog name); any change when empty.
    /// Meaningful for `updated`; other kinds ignore it.
    public var changedFields: [String]
    public var recipients: RecipientSelection

    public init(event: NotificationEventKind, issueTypes: [String] = [], changedFields: [String] = [], recipients: RecipientSelection) {
        self.event = event
        self.issueTypes = issueTypes
        self.changedFields = changedFields
        self.recipients = recipients
    }

    private enum CodingKeys: String, CodingKey { case event, issueTypes, changedFields, recipients }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(NotificationEventKind.self, forKey: .event)
        issueTypes = try container.decodeIfPresent([String].self, forKey: .issueTypes) ?? []
        changedFields = try container.decodeIfPresent([String].self, forKey: .changedFields) ?? []
        recipients = try container.decode(RecipientSelection.self, forKey: .recipients)
    }
}

/// Who receives a rule's mail.
public struct RecipientSelection: Sendable, Equatable, Codable {
    public var reporter: Bool
    public var assignee: Bool
    public var watchers: Bool
    /// Custom fields (by id) holding the addresses of email-only participants.
    public var emailParticipantFields: [String]
    /// Fixed addresses.
    public var addresses: [String]
    /// Whether the user who made the change is mailed too (by default they are not).
    public var includeActor: Bool

    public init(
        reporter: Bool = false, assignee: Bool = false, watchers: Bool = false, emailParticipantFields: [String] = [],
        addresses: [String] = [], includeActor: Bool = false
    ) {
        self.reporter = reporter
        self.assignee = assignee
        self.watchers = watchers
        self.emailParticipantFields = emailParticipantFields
        self.addresses = addresses
        self.includeActor = includeActor
    }

    private enum CodingKeys: String, CodingKey { case reporter, assignee, watchers, emailParticipantFields, addresses, includeActor }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reporter = try container.decodeIfPresent(Bool.self, forKey: .reporter) ?? false
        assignee = try container.decodeIfPresent(Bool.self, forKey: .assignee) ?? false
        watchers = try container.decodeIfPresent(Bool.self, forKey: .watchers) ?? false
        emailParticipantFields = try container.decodeIfPresent([String].self, forKey: .emailParticipantFields) ?? []
        addresses = try container.decodeIfPresent([String].self, forKey: .addresses) ?? []
        includeActor = try container.decodeIfPresent(Bool.self, forKey: .includeActor) ?? false
    }
}
