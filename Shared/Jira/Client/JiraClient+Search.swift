import Curl

extension JiraClient {
    /// One page of issues matching `jql` (`POST /rest/api/3/search/jql`, the enhanced search
    /// that replaced `/rest/api/3/search`). A read: retried on 5xx.
    ///
    /// For reconciliation after an uncertain create, search by the property set with the issue:
    /// `issue.property[mailbridge.message].messageId = ` + ``JQL/string(_:)`` of the Message-ID
    /// (the property must be indexed by the app descriptor's `jiraEntityProperties` module).
    ///
    /// - Parameters:
    ///   - fields: Fields to return per issue (`["id"]` at least; Jira returns only ids otherwise).
    ///   - properties: Issue property keys to return per issue (at most 5).
    ///   - maxResults: Page size (Jira caps it).
    ///   - nextPageToken: The previous page's ``JiraSearchPage/nextPageToken``.
    public func searchIssues(
        jql: String, fields: [String] = ["summary"], properties: [String] = [], maxResults: Int = 50, nextPageToken: String? = nil
    ) async throws -> JiraSearchPage {
        var body: [String: JSONValue] = [
            "jql": .string(jql),
            "fields": .array(fields.map(JSONValue.string)),
            "maxResults": .number(Double(maxResults)),
        ]
        if !properties.isEmpty { body["properties"] = .array(properties.map(JSONValue.string)) }
        if let nextPageToken { body["nextPageToken"] = .string(nextPageToken) }
        let request = try JiraRequest.json(.post, "/rest/api/3/search/jql", body: JSONValue.object(body), isIdempotent: true)
        return try decode(JiraSearchPage.self, from: try await send(request), request)
    }

    /// The keys of issues whose property `propertyKey` has `value` at `path` (a dotted path in
    /// the property's JSON, e.g. `messageId`), first page only (enough for reconciliation).
    public func issueKeys(withProperty propertyKey: String, path: String, equalTo value: String) async throws -> [String] {
        let jql = "issue.property[\(propertyKey)].\(path) = \(JQL.string(value))"
        return try await searchIssues(jql: jql, fields: ["summary"], maxResults: 10).issues.map(\.key)
    }
}
