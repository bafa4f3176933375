/// One Jira Cloud site (a tenant's Jira): where it is and how we authenticate to it.
public struct JiraSite: Sendable, Hashable {
    /// The site's base URL as Jira gave it (`https://acme.atlassian.net`), without a trailing slash.
    public var baseURL: String
    /// How calls to this site are authenticated.
    public var authentication: JiraAuthentication

    public init(baseURL: String, authentication: JiraAuthentication) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.authentication = authentication
    }
}
