import Curl

extension JiraClient {
    /// Creates an issue (`POST /rest/api/3/issue`), with its issue properties set atomically.
    ///
    /// The reporter is set "when permitted": when Jira refuses the `reporter` field (the project's
    /// create screen lacks it, or the app may not modify reporters) the issue is created without
    /// it and ``JiraCreatedIssue/reporterSet`` is `false`.
    ///
    /// Not retried after a 5xx or a broken connection (Jira may have created it): reconcile by
    /// searching for the property first.
    ///
    /// - Throws: ``JiraError`` (400 with Jira's `errors` by field for invalid input).
    public func createIssue(_ issue: JiraIssueCreation) async throws -> JiraCreatedIssue {
        do {
            var created = try await postIssue(issue, includingReporter: issue.reporterAccountID != nil)
            created.reporterSet = issue.reporterAccountID != nil
            return created
        } catch let error as JiraError where error.status == 400 && error.errors["reporter"] != nil && issue.reporterAccountID != nil {
            logger.info("creating the issue without a reporter: Jira refused the field", metadata: ["reason": "\(error.errors["reporter"]!)"])
            return try await postIssue(issue, includingReporter: false)
        }
    }

    private func postIssue(_ issue: JiraIssueCreation, includingReporter: Bool) async throws -> JiraCreatedIssue {
        let request = try JiraRequest.json(.post, "/rest/api/3/issue", body: issue.body(includingReporter: includingReporter))
        return try decode(JiraCreatedIssue.self, from: try await send(request), request)
    }

    /// Reads an issue (`GET /rest/api/3/issue/{key}`).
    ///
    /// - Parameters:
    ///   - fields: The fields to return (custom fields by id); they land typed in
    ///     ``JiraIssue/fields`` or raw in ``JiraIssueFields/other``.
    ///   - properties: Issue property keys to return in ``JiraIssue/properties``.
    /// - Throws: ``JiraError`` (404 when the issue does not exist or is hidden from us).
    public func issue(_ idOrKey: String, fields: [String] = JiraIssue.defaultFields, properties: [String] = []) async throws -> JiraIssue {
        var query = [CanonicalRequest.Parameter("fields", fields.joined(separator: ","))]
        if !properties.isEmpty { query.append(.init("properties", properties.joined(separator: ","))) }
        let issue = try Self.segment(idOrKey, "issue")
        let request = JiraRequest(.get, "/rest/api/3/issue/\(issue)", query: query)
        return try decode(JiraIssue.self, from: try await send(request), request)
    }

    /// The users watching an issue (`GET /rest/api/3/issue/{key}/watchers`).
    public func watchers(ofIssue idOrKey: String) async throws -> JiraWatchers {
        let issue = try Self.segment(idOrKey, "issue")
        let request = JiraRequest(.get, "/rest/api/3/issue/\(issue)/watchers")
        return try decode(JiraWatchers.self, from: try await send(request), request)
    }

    /// Adds a comment (`POST /rest/api/3/issue/{key}/comment`) with comment properties.
    ///
    /// Not retried after a 5xx or a broken connection (Jira may have added it).
    public func addComment(issue idOrKey: String, body: ADFDocument, properties: [String: JSONValue] = [:]) async throws -> JiraComment {
        var json: [String: JSONValue] = ["body": body.json]
        if !properties.isEmpty {
            json["properties"] = .array(properties.keys.sorted().map { ["key": .string($0), "value": properties[$0]!] })
        }
        let issue = try Self.segment(idOrKey, "issue")
        let request = try JiraRequest.json(.post, "/rest/api/3/issue/\(issue)/comment", body: JSONValue.object(json))
        return try decode(JiraComment.self, from: try await send(request), request)
    }

    /// The account the credentials act as (`GET /rest/api/3/myself`): a cheap check that they work.
    public func myself() async throws -> JiraUser {
        let request = JiraRequest(.get, "/rest/api/3/myself")
        return try decode(JiraUser.self, from: try await send(request), request)
    }

    /// `value` percent-encoded as one path segment; refuses an empty value.
    static func segment(_ value: String, _ what: String) throws(JiraError) -> String {
        guard !value.isEmpty else {
            throw JiraError(kind: .invalidArgument, request: "-", message: "the \(what) id or key is empty")
        }
        return JiraPath.segment(value)
    }
}
