/// A Jira user, as Jira shows it to us. Jira hides `emailAddress` (and may alter `displayName`)
/// when the user's privacy settings say so.
public struct JiraUser: Sendable, Hashable, Codable {
    /// The account id, stable across Atlassian products.
    public var accountId: String
    public var displayName: String?
    /// `nil` when hidden by the user's privacy settings.
    public var emailAddress: String?
    public var active: Bool?
    /// `atlassian` (a person), `app` or `customer`.
    public var accountType: String?
    public var timeZone: String?

    public init(
        accountId: String, displayName: String? = nil, emailAddress: String? = nil, active: Bool? = nil,
        accountType: String? = nil, timeZone: String? = nil
    ) {
        self.accountId = accountId
        self.displayName = displayName
        self.emailAddress = emailAddress
        self.active = active
        self.accountType = accountType
        self.timeZone = timeZone
    }
}
