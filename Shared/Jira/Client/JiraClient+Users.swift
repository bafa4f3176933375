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

    /// The user with email address `email` (see ``JiraUserMatch`` for how hidden addresses are
    /// handled). Only `atlassian` accounts (people) are considered.
    public func user(withEmail email: String) async throws -> JiraUserMatch {
        let wanted = email.lowercased()
        let people = try await searchUsers(query: email).filter { ($0.accountType ?? "atlassian") == "atlassian" }
        if let exact = people.first(where: { $0.emailAddress?.lowercased() == wanted }) {
            return .exact(exact)
        }
        let hidden = people.filter { ($0.emailAddress ?? "").isEmpty && $0.active != false }
        if hidden.count == 1, people.allSatisfy({ ($0.emailAddress ?? "").isEmpty }) {
            return .hiddenEmail(hidden[0])
        }
        return .none
    }
}
