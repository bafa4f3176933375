import Curl

extension JiraClient {
    /// Every field of the site, system and custom (`GET /rest/api/3/field`).
    public func fields() async throws -> [JiraField] {
        let request = JiraRequest(.get, "/rest/api/3/field")
        return try decode([JiraField].self, from: try await send(request), request)
    }

    /// The id (`customfield_10010`) of the custom field named `name` (exact, then without regard
    /// to case); `nil` when there is none.
    ///
    /// - Throws: ``JiraError`` `invalidArgument` when several custom fields share the name (Jira
    ///   allows it; configure the id instead).
    public func customFieldID(named name: String) async throws -> String? {
        let custom = try await fields().filter { $0.custom == true }
        var matches = custom.filter { $0.name == name }
        if matches.isEmpty { matches = custom.filter { $0.name.lowercased() == name.lowercased() } }
        guard matches.count <= 1 else {
            throw JiraError(
                kind: .invalidArgument, request: "GET /rest/api/3/field",
                message: "\(matches.count) custom fields are named \"\(name)\": \(matches.map(\.id).joined(separator: ", "))"
            )
        }
        return matches.first?.id
    }
}
