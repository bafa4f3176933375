import Curl

extension JiraClient {
    /// Sets an issue property (`PUT /rest/api/3/issue/{key}/properties/{propertyKey}`), creating
    /// or replacing it. Idempotent, so retried on 5xx.
    public func setIssueProperty(issue idOrKey: String, key: String, value: JSONValue) async throws {
        let path = try Self.propertyPath(idOrKey, key)
        _ = try await send(try JiraRequest.json(.put, path, body: value))
    }

    /// An issue property's value (`GET /rest/api/3/issue/{key}/properties/{propertyKey}`); `nil`
    /// when Jira answers 404 (no such property — or no such issue visible to us: Jira answers
    /// both alike).
    public func issueProperty(issue idOrKey: String, key: String) async throws -> JSONValue? {
        let path = try Self.propertyPath(idOrKey, key)
        let request = JiraRequest(.get, path)
        let response = try await send(request, accepting: [404])
        guard response.status != 404 else { return nil }
        struct EntityProperty: Decodable { var value: JSONValue? }
        return try decode(EntityProperty.self, from: response, request).value ?? .null
    }

    private static func propertyPath(_ idOrKey: String, _ key: String) throws(JiraError) -> String {
        let issue = try segment(idOrKey, "issue")
        let property = try segment(key, "property")
        return "/rest/api/3/issue/\(issue)/properties/\(property)"
    }
}
