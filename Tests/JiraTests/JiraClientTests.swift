import Curl
import Foundation
import Jira
import Testing

/// The client against the scripted local server: what it sends, how it reads answers.
@Suite("JiraClient requests and answers")
struct JiraClientTests {
    static let secret = "scenario-shared-secret"
    static let limiter = JiraRequestLimiter(maxConcurrentRequestsPerSite: 4)

    static func client(_ scenario: Scenario, apiToken: Bool = false, configuration: JiraClient.Configuration? = nil) -> JiraClient {
        let authentication: JiraAuthentication = apiToken
            ? .apiToken(email: "ada@example.com", token: "api-token-value")
            : .connect(appKey: "io.mailbridge.jira", sharedSecret: secret)
        let configuration = configuration ?? JiraClient.Configuration(initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))
        return JiraClient(site: JiraSite(baseURL: scenario.siteURL, authentication: authentication), configuration: configuration, limiter: limiter)
    }

    /// Checks a Connect-signed request the way Jira does, with the server's own qsh and HMAC.
    static func expectSigned(_ request: RecordedRequest, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(request.header("Authorization")?.hasPrefix("JWT ") == true, sourceLocation: sourceLocation)
        #expect(request.signature_valid == true, sourceLocation: sourceLocation)
        #expect(request.claims?["qsh"]?.stringValue == request.qsh, sourceLocation: sourceLocation)
        #expect(request.claims?["iss"]?.stringValue == "io.mailbridge.jira", sourceLocation: sourceLocation)
        let iat = request.claims?["iat"]?.numberValue ?? 0
        let exp = request.claims?["exp"]?.numberValue ?? 0
        #expect(exp - iat == 180, sourceLocation: sourceLocation)
        #expect(abs(iat - Date().timeIntervalSince1970) < 120, sourceLocation: sourceLocation)
    }

    @Test("create issue: Jira's body shape, a signed request, the created key")
    func createIssue() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([.json(["id": "10001", "key": "ACME-1", "self": "x"], status: 201)], secret: Self.secret)
        let creation = JiraIssueCreation(
            project: .name("ACME"), issueType: .name("Task"), summary: "Printer jammed",
            description: ADFDocument(plainText: "It is jammed.\nAgain."), reporterAccountID: "5b10a2844c20165700ede21g",
            labels: ["email"], fields: ["customfield_10010": "ada@example.com"],
            properties: ["mailbridge.message": ["messageId": "<m1@example.com>"]]
        )
        let created = try await Self.client(scenario).createIssue(creation)
        #expect(created.key == "ACME-1")
        #expect(created.id == "10001")
        #expect(created.reporterSet)
        let requests = try await scenario.requests()
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.relative == "/rest/api/3/issue")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Accept") == "application/json")
        Self.expectSigned(request)
        let body = try #require(request.jsonBody)
        #expect(body["fields"]?["project"] == ["key": "ACME"])
        #expect(body["fields"]?["issuetype"] == ["name": "Task"])
        #expect(body["fields"]?["summary"] == "Printer jammed")
        #expect(body["fields"]?["reporter"] == ["accountId": "5b10a2844c20165700ede21g"])
        #expect(body["fields"]?["labels"] == ["email"])
        #expect(body["fields"]?["customfield_10010"] == "ada@example.com")
        #expect(body["fields"]?["description"]?["type"] == "doc")
        #expect(body["properties"] == [["key": "mailbridge.message", "value": ["messageId": "<m1@example.com>"]]])
    }

    @Test("create issue: a refused reporter field is dropped and the issue created without it")
    func reporterFallback() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .status(400, ["errorMessages": [], "errors": ["reporter": "Field 'reporter' cannot be set. It is not on the appropriate screen, or unknown."]]),
            .json(["id": "10002", "key": "ACME-2"], status: 201),
        ])
        let creation = JiraIssueCreation(project: .id("10000"), issueType: .id("10001"), summary: "s", reporterAccountID: "acc-1")
        let created = try await Self.client(scenario, apiToken: true).createIssue(creation)
        #expect(created.key == "ACME-2")
        #expect(!created.reporterSet)
        let requests = try await scenario.requests()
        #expect(requests.count == 2)
        #expect(requests[0].jsonBody?["fields"]?["reporter"] != nil)
        #expect(requests[1].jsonBody?["fields"]?["reporter"] == nil)
        #expect(requests[1].jsonBody?["fields"]?["project"] == ["id": "10000"])
        #expect(requests[1].header("Authorization") == "Basic " + Data("ada@example.com:api-token-value".utf8).base64EncodedString())
    }

    @Test("read an issue: typed fields, custom fields raw, properties; the fields query is signed")
    func readIssue() async throws {
        let scenario = try await Scenario.make()
        let issue: [String: Any] = [
            "id": "10001", "key": "ACME-1",
            "fields": [
                "summary": "Printer jammed",
                "status": ["id": "3", "name": "In Progress", "statusCategory": ["key": "indeterminate", "name": "In Progress"]],
                "reporter": ["accountId": "acc-r", "displayName": "Ada", "emailAddress": "ada@example.com", "active": true],
                "assignee": NSNull(),
                "labels": ["email"],
                "watches": ["watchCount": 2, "isWatching": false],
                "description": ["version": 1, "type": "doc", "content": [["type": "paragraph", "content": [["type": "text", "text": "Hi"]]]]],
                "customfield_10010": "x@example.com",
            ],
            "properties": ["mailbridge.message": ["messageId": "<m1@example.com>"]],
        ]
        try await scenario.script([.json(issue)], secret: Self.secret)
        let read = try await Self.client(scenario).issue("ACME-1", fields: ["summary", "status", "customfield_10010"], properties: ["mailbridge.message"])
        #expect(read.key == "ACME-1")
        #expect(read.fields.summary == "Printer jammed")
        #expect(read.fields.status?.name == "In Progress")
        #expect(read.fields.status?.statusCategory?.key == "indeterminate")
        #expect(read.fields.reporter?.emailAddress == "ada@example.com")
        #expect(read.fields.assignee == nil)
        #expect(read.fields.watches?.watchCount == 2)
        #expect(read.fields.description?.plainText == "Hi")
        #expect(read.fields.other["customfield_10010"] == "x@example.com")
        #expect(read.properties["mailbridge.message"]?["messageId"] == "<m1@example.com>")
        let request = try #require(try await scenario.requests().first)
        #expect(request.relative == "/rest/api/3/issue/ACME-1")
        #expect(request.query == "fields=summary%2Cstatus%2Ccustomfield_10010&properties=mailbridge.message")
        Self.expectSigned(request)
    }

    @Test("watchers, comments and the current user")
    func watchersCommentsMyself() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .json(["watchCount": 1, "isWatching": false, "watchers": [["accountId": "acc-w", "displayName": "Bob", "active": true]]]),
            .json(["id": "20001", "created": "2026-11-28T10:00:00.000+0000", "body": ["version": 1, "type": "doc", "content": []]], status: 201),
            .json(["accountId": "app-acc", "accountType": "app", "displayName": "Mailbridge"]),
        ], secret: Self.secret)
        let client = Self.client(scenario)
        let watchers = try await client.watchers(ofIssue: "ACME-1")
        #expect(watchers.watchers.map(\.accountId) == ["acc-w"])
        let comment = try await client.addComment(issue: "ACME-1", body: ADFDocument(html: "<p>Thanks <b>a lot</b></p>"), properties: ["mailbridge.message": "<m2@x>"])
        #expect(comment.id == "20001")
        let me = try await client.myself()
        #expect(me.accountType == "app")
        let requests = try await scenario.requests()
        #expect(requests.map(\.relative) == ["/rest/api/3/issue/ACME-1/watchers", "/rest/api/3/issue/ACME-1/comment", "/rest/api/3/myself"])
        let body = try #require(requests[1].jsonBody)
        #expect(body["body"]?["type"] == "doc")
        #expect(body["properties"] == [["key": "mailbridge.message", "value": "<m2@x>"]])
        for request in requests { Self.expectSigned(request) }
    }

    @Test("issue properties: set with PUT, read back, absent is nil")
    func properties() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .status(200),
            .json(["key": "mailbridge.message", "value": ["messageId": "<m1@x>", "n": 2]]),
            .status(404, ["errorMessages": ["The property with key 'other' does not exist."], "errors": [:]]),
        ], secret: Self.secret)
        let client = Self.client(scenario)
        try await client.setIssueProperty(issue: "ACME-1", key: "mailbridge.message", value: ["messageId": "<m1@x>", "n": 2])
        #expect(try await client.issueProperty(issue: "ACME-1", key: "mailbridge.message") == ["messageId": "<m1@x>", "n": 2])
        #expect(try await client.issueProperty(issue: "ACME-1", key: "other") == nil)
        let requests = try await scenario.requests()
        #expect(requests[0].method == "PUT")
        #expect(requests[0].relative == "/rest/api/3/issue/ACME-1/properties/mailbridge.message")
        #expect(String(decoding: requests[0].body, as: UTF8.self) == #"{"messageId":"<m1@x>","n":2}"#)
        for request in requests { Self.expectSigned(request) }
    }

    @Test("JQL search: POST /rest/api/3/search/jql with a safely quoted literal, pages by token")
    func search() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .json(["issues": [["id": "10001", "key": "ACME-1", "fields": ["summary": "s"]]], "nextPageToken": "tok-2", "isLast": false]),
            .json(["issues": [], "isLast": true]),
        ], secret: Self.secret)
        let client = Self.client(scenario)
        let keys = try await client.issueKeys(withProperty: "mailbridge.message", path: "messageId", equalTo: "<a\"b\\c@x>")
        #expect(keys == ["ACME-1"])
        let last = try await client.searchIssues(jql: "project = ACME", nextPageToken: "tok-2")
        #expect(last.isLast)
        #expect(last.issues.isEmpty)
        let requests = try await scenario.requests()
        #expect(requests[0].method == "POST")
        #expect(requests[0].relative == "/rest/api/3/search/jql")
        let jql = #"issue.property[mailbridge.message].messageId = "<a\"b\\c@x>""#
        #expect(requests[0].jsonBody?["jql"] == .string(jql))
        #expect(requests[1].jsonBody?["nextPageToken"] == "tok-2")
        for request in requests { Self.expectSigned(request) }
    }

    @Test("user search by email: + and @ are percent-encoded and signed; only a visible address matches")
    func users() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .json([["accountId": "a2", "displayName": "ada+jira@example.com", "accountType": "atlassian", "active": true],
                   ["accountId": "a1", "emailAddress": "Ada+Jira@Example.com", "accountType": "atlassian", "active": true]]),
            .json([["accountId": "a3", "displayName": "hidden@example.com", "accountType": "atlassian", "active": true]]),
            .json([["accountId": "a4", "emailAddress": "gone@example.com", "active": false],
                   ["accountId": "app", "emailAddress": "gone@example.com", "accountType": "app"]]),
        ], secret: Self.secret)
        let client = Self.client(scenario)
        #expect(try await client.user(withEmail: "ada+jira@example.com")?.accountId == "a1")
        #expect(try await client.user(withEmail: "hidden@example.com") == nil)
        #expect(try await client.user(withEmail: "gone@example.com") == nil)
        let requests = try await scenario.requests()
        #expect(requests[0].relative == "/rest/api/3/user/search")
        #expect(requests[0].query == "query=ada%2Bjira%40example.com&maxResults=20")
        for request in requests { Self.expectSigned(request) }
    }

    @Test("fields: a custom field's id by name, exact first, ambiguity refused")
    func fields() async throws {
        let scenario = try await Scenario.make()
        let fields: [[String: Any]] = [
            ["id": "summary", "name": "Summary", "custom": false, "schema": ["type": "string", "system": "summary"]],
            ["id": "customfield_10010", "name": "Email sender", "custom": true,
             "schema": ["type": "string", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:textfield", "customId": 10010]],
            ["id": "customfield_10011", "name": "Dup", "custom": true],
            ["id": "customfield_10012", "name": "Dup", "custom": true],
        ]
        try await scenario.script([Answer(payload: fields, sticky: true)], secret: Self.secret)
        let client = Self.client(scenario, apiToken: true)
        #expect(try await client.customFieldID(named: "Email sender") == "customfield_10010")
        #expect(try await client.customFieldID(named: "email SENDER") == "customfield_10010")
        #expect(try await client.customFieldID(named: "Summary") == nil)
        await #expect(throws: JiraError.self) { try await client.customFieldID(named: "Dup") }
        #expect(try await client.fields().first?.schema?.type == "string")
    }
}
