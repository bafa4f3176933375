/// The events a notification scheme can name. One Jira webhook can be more than one of them:
/// an assignment is also an update.
public enum NotificationEventKind: String, Sendable, Codable, CaseIterable, Hashable {
    case created
    case updated
    case commented
    case assigned
    case resolved
    case deleted

    /// The Jira webhook event that carries this kind, as stored in `notification_schemes` for the
    /// webhook service's early drop.
    public var webhookEvent: String {
        switch self {
        case .created: "jira:issue_created"
        case .updated, .assigned, .resolved: "jira:issue_updated"
        case .commented: "comment_created"
        case .deleted: "jira:issue_deleted"
        }
    }
}
