import Curl
import Foundation
import Jira
import Testing

@Suite("JiraClient errors and retries")
struct JiraClientRetryTests {
    private func client(_ scenario: Scenario, maxAttempts: Int = 4, maxRetryAfter: Duration = .seconds(5)) -> JiraClient {
        JiraClientTests.client(scenario, configuration: JiraClient.Configuration(
            maxAttempts: maxAttempts, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(40), maxRetryAfter: maxRetryAfter
        ))
    }

    private func jiraError(_ body: () async throws -> Void) async -> JiraError? {
        do {
            try await body()
            return nil
        } catch let error as JiraError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("Jira's error body becomes the error's messages and field errors; the query is never shown")
    func errorDecoding() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .status(400, ["errorMessages": ["Bad JQL"], "errors": ["summary": "You must specify a summary of the issue."]]),
            .status(403, ["message": "Client must be authenticated to access this resource.", "status-code": 403]),
            Answer(status: 502, body: "<html>Bad gateway</html>"),
        ])
        let client = client(scenario, maxAttempts: 1)
        let bad = try #require(await jiraError { _ = try await client.searchUsers(query: "secret.person@example.com") })
        #expect(bad.kind == .http)
        #expect(bad.status == 400)
        #expect(bad.errorMessages == ["Bad JQL"])
        #expect(bad.errors == ["summary": "You must specify a summary of the issue."])
        #expect(!bad.isRetriable)
        #expect(bad.request == "GET /rest/api/3/user/search")
        #expect(!bad.description.contains("secret.person"))
        let forbidden = try #require(await jiraError { _ = try await client.myself() })
        #expect(forbidden.errorMessages == ["Client must be authenticated to access this resource."])
        let gateway = try #require(await jiraError { _ = try await client.myself() })
        #expect(gateway.status == 502)
        #expect(gateway.isRetriable)
        #expect(gateway.message.contains("Bad gateway"))
    }

    @Test("429 and 503 wait out Retry-After, then succeed")
    func retryAfter() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .status(429, ["errorMessages": ["Rate limit exceeded."]], headers: [["Retry-After", "1"]]),
            .status(503, nil, headers: [["Retry-After", "1"]]),
            .json(["accountId": "me"]),
        ], secret: JiraClientTests.secret)
        let clock = ContinuousClock()
        let start = clock.now
        let me = try await client(scenario).myself()
        let elapsed = clock.now - start
        #expect(me.accountId == "me")
        #expect(elapsed >= .seconds(2))
        #expect(elapsed < .seconds(10))
        let requests = try await scenario.requests()
        #expect(requests.count == 3)
        // Each try is signed afresh (a new token per request).
        for request in requests { JiraClientTests.expectSigned(request) }
    }

    @Test("a Retry-After beyond the limit ends the call at once, retriable, with the wait")
    func longRetryAfter() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([.status(429, nil, headers: [["Retry-After", "3600"]])])
        let error = try #require(await jiraError { _ = try await client(scenario, maxRetryAfter: .seconds(5)).myself() })
        #expect(error.status == 429)
        #expect(error.isRetriable)
        #expect(error.retryAfter == .seconds(3600))
        #expect(try await scenario.requests().count == 1)
    }

    @Test("5xx on a read is retried with back-off up to maxAttempts")
    func serverErrorsOnReads() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([.status(500), .status(502), .json(["accountId": "me"])])
        #expect(try await client(scenario).myself().accountId == "me")
        #expect(try await scenario.requests().count == 3)

        let failing = try await Scenario.make()
        try await failing.script([Answer(status: 500, sticky: true)])
        let error = try #require(await jiraError { _ = try await client(failing, maxAttempts: 3).myself() })
        #expect(error.status == 500)
        #expect(error.isRetriable)
        #expect(try await failing.requests().count == 3)
    }

    @Test("a create is not repeated after a 500 (Jira may have acted), but is after 429 and 503")
    func createsAreNotRepeated() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([.status(500, ["errorMessages": ["Internal server error"]])])
        let creation = JiraIssueCreation(project: .name("ACME"), issueType: .name("Task"), summary: "s")
        let error = try #require(await jiraError { _ = try await client(scenario).createIssue(creation) })
        #expect(error.status == 500)
        #expect(error.isRetriable)
        #expect(try await scenario.requests().count == 1)

        let limited = try await Scenario.make()
        try await limited.script([
            .status(429, nil, headers: [["Retry-After", "0"]]), .status(503), .json(["id": "1", "key": "ACME-9"], status: 201),
        ])
        #expect(try await client(limited).createIssue(creation).key == "ACME-9")
        #expect(try await limited.requests().count == 3)
    }

    @Test("a refused connection is retried even for a create; it surely did not reach Jira")
    func connectionRefused() async throws {
        let port = try await unusedPort()
        let site = JiraSite(baseURL: "http://127.0.0.1:\(port)", authentication: .apiToken(email: "a@b.c", token: "t"))
        let client = JiraClient(
            site: site, configuration: JiraClient.Configuration(maxAttempts: 2, initialBackoff: .milliseconds(5)), limiter: JiraClientTests.limiter
        )
        let error = try #require(await jiraError {
            _ = try await client.createIssue(JiraIssueCreation(project: .name("A"), issueType: .name("Task"), summary: "s"))
        })
        #expect(error.kind == .transport)
        #expect(error.isRetriable)
    }

    private func unusedPort() async throws -> Int {
        // Bind a socket to port 0, read the port, close it: nothing listens there afterwards.
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
