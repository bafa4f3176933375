import Foundation

/// What a Jira webhook says happened, read from its body (Jira sends webhooks in the REST v2
/// shape: descriptions and comment bodies are wiki text, not ADF).
///
/// Only what the renderer needs is read; a missing optional part stays `nil` and is fetched from
/// Jira when a template needs it.
public struct NotificationEvent: Sendable, Equatable {
    /// A person as the webhook names them.
    public struct Person: Sendable, Equatable, Hashable {
        public var accountID: String
        public var displayName: String?
        /// Present only when the user lets Jira show it.
        public var emailAddress: String?

        public init(accountID: String, displayName: String? = nil, emailAddress: String? = nil) {
            self.accountID = accountID
            self.displayName = displayName
            self.emailAddress = emailAddress
        }
    }

    /// One changed field of an update.
    public struct Change: Sendable, Equatable {
        /// The field's name as Jira shows it in the changelog (`assignee`, `status`, `Attachment`).
        public var field: String
        /// The field id, when Jira gives one (`assignee`, `customfield_10050`).
        public var fieldID: String?
        public var from: String?
        public var to: String?
        /// The raw new value (for attachments: the attachment id).
        public var toValue: String?

        public init(field: String, fieldID: String? = nil, from: String? = nil, to: String? = nil, toValue: String? = nil) {
            self.field = field
            self.fieldID = fieldID
            self.from = from
            self.to = to
            self.toValue = toValue
        }
    }

    /// A file of the issue as the webhook lists it.
    public struct Attachment: Sendable, Equatable {
        public var id: String
        public var filename: String
        public var size: Int64?
        public var mimeType: String?
        /// The download URL Jira gives.
        public var content: String?

        public init(id: String, filename: String, size: Int64? = nil, mimeType: String? = nil, content: String? = nil) {
            self.id = id
            self.filename = filename
            self.size = size
            self.mimeType = mimeType
            self.content = content
        }
    }

    /// A comment added by the event.
    public struct Comment: Sendable, Equatable {
        public var id: String
        public var body: String
        public var author: Person?
        public var isInternal: Bool

        public init(id: String, body: String, author: Person?, isInternal: Bool = false) {
            self.id = id
            self.body = body
            self.author = author
            self.isInternal = isInternal
        }
    }

    /// `webhookEvent`, e.g. `jira:issue_updated`.
    public var webhookEvent: String
    /// `issue_event_type_name`, e.g. `issue_assigned`, when Jira sends one.
    public var issueEventTypeName: String?
    /// Milliseconds since 1970 (`timestamp`).
    public var timestamp: Int64?
    /// Who made the change.
    public var actor: Person?
    public var issueID: String
    public var issueKey: String
    public var projectKey: String
    public var projectName: String?
    public var issueType: String?
    public var summary: String?
    public var status: String?
    /// The issue's description as sent (wiki text), when the event carries it.
    public var description: String?
    public var reporter: Person?
    public var assignee: Person?
    /// Every field of the issue as sent, for custom fields (email participants).
    public var fieldsJSON: [String: String]
    public var changes: [Change]
    public var comment: Comment?
    /// The issue's files, when the webhook lists them (`fields.attachment`; `nil`: not sent).
    public var attachments: [Attachment]?

    /// The kinds of notification this webhook is. An update is `updated`, plus `assigned` when
    /// the assignee changed and `resolved` when a resolution was set; the update Jira sends
    /// beside `comment_created` is none (the comment is notified once, as `commented`).
    public var kinds: Set<NotificationEventKind> {
        switch webhookEvent {
        case "jira:issue_created": return [.created]
        case "jira:issue_deleted": return [.deleted]
        case "comment_created": return [.commented]
        case "jira:issue_updated":
            // Jira announces a new comment twice: as `comment_created` and as this update. Only the
            // first one notifies, or a comment would be mailed twice.
            if issueEventTypeName == "issue_commented" || (changes.isEmpty && comment != nil) { return [] }
            var kinds: Set<NotificationEventKind> = [.updated]
            if changes.contains(where: { ($0.fieldID ?? $0.field) == "assignee" }) { kinds.insert(.assigned) }
            if changes.contains(where: { ($0.fieldID ?? $0.field) == "resolution" && $0.toValue != nil && $0.to != nil }) {
                kinds.insert(.resolved)
            }
            return kinds
        default: return []
        }
    }

    /// The ids (or names, where Jira gives no id) of the fields this event changed.
    public var changedFields: Set<String> {
        Set(changes.flatMap { [$0.field, $0.fieldID].compactMap { $0 } })
    }
}
