import Curl

extension JiraClient {
    /// Users matching `query` on display name or email address (`GET /rest/api/3/user/search`).
    public func searchUsers(query: String, maxResults: Int = 20) async throws -> [JiraUser] {
        let request = JiraRequest(
            .get, "/rest/api/3/user/search",
            query: [.init("query", query), .init("maxResults", String(maxResults))]
        )
        return try decode([JiraUser].self, from: try await send(request), request)
    }

    /// The active person (`atlassian` account) whose visible email address is `email`
    /// (compared without regard to case); `nil` when there is none.
    ///
    /// Only a visible address counts: Jira neither shows nor matches addresses its users hide,
    /// and a display name is no proof of an address (anyone may name themselves after one).
    public func user(withEmail email: String) async throws -> JiraUser? {
        let wanted = email.lowercased()
        return try await searchUsers(query: email).first { user in
            (user.accountType ?? "atlassian") == "atlassian" && user.active != false && user.emailAddress?.lowercased() == wanted
        }
    }
}
