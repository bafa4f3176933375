import Foundation
import Jira
import Testing

/// Every client call against the Jira simulator, in both authentication modes; the simulator
/// checks each request and answer against Jira's OpenAPI document, so each test ends by
/// asserting it recorded no violation.
@Suite("JiraClient against the Jira simulator")
struct JiraSimulatorTests {
    private func expectNoViolations(_ site: SimulatorSite, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let violations = try await site.violations()
        #expect(violations.isEmpty, "contract violations: \(violations)", sourceLocation: sourceLocation)
    }

    @Test("create, read, comment, watchers, properties, search", arguments: SimulatorSite.Mode.allCases)
    func issueLifecycle(mode: SimulatorSite.Mode) async throws {
        let site = try await SimulatorSite.create()
        let client = site.client(mode)
        let messageID = "<\(UUID().uuidString)@mail.example>"
        let html = """
        <div dir="ltr"><div>Hi team,</div><div><br></div><div>the <b>printer</b> on floor 3 is <i>jammed</i> again:</div>\
        <ul><li>tray 2</li><li>see <a href="https://wiki.example/printer">the wiki</a><ol><li>nested</li></ol></li></ul>\
        <pre>E-042 paper jam\n  at tray 2</pre><blockquote>Earlier: <code>reboot</code> helped<blockquote>deeper</blockquote></blockquote>\
        <h2>Thanks</h2><hr><p>Ada</p></div>
        """
        let creation = JiraIssueCreation(
            project: .name("ACME"), issueType: .name("Task"), summary: "Printer jammed (\(mode))",
            description: ADFDocument(html: html), reporterAccountID: SimulatorSite.bobAccountID, labels: ["email", "mailbridge"],
            fields: ["customfield_10051": .string(messageID), "customfield_10050": ADFDocument(plainText: "bob@example.test\ncarol@example.test").json],
            properties: ["mailbridge.message": ["messageId": .string(messageID)]]
        )
        let created = try await client.createIssue(creation)
        #expect(created.key.hasPrefix("ACME-"))
        #expect(created.reporterSet)

        let issue = try await client.issue(created.key, fields: JiraIssue.defaultFields + ["description", "customfield_10051"], properties: ["mailbridge.message"])
        #expect(issue.fields.summary == "Printer jammed (\(mode))")
        #expect(issue.fields.reporter?.accountId == SimulatorSite.bobAccountID)
        #expect(issue.fields.labels == ["email", "mailbridge"])
        #expect(issue.fields.status?.name != nil)
        #expect(issue.fields.project?.key == "ACME")
        #expect(issue.fields.issueType?.name == "Task")
        #expect(issue.fields.other["customfield_10051"] == .string(messageID))
        #expect(issue.properties["mailbridge.message"]?["messageId"] == .string(messageID))
        #expect(issue.fields.description == creation.description)
        #expect(issue.fields.description?.plainText.contains("the printer on floor 3 is jammed again:") == true)

        let watchers = try await client.watchers(ofIssue: created.key)
        #expect(watchers.watchers.contains { $0.accountId == SimulatorSite.bobAccountID })

        let comment = try await client.addComment(
            issue: created.key, body: ADFDocument(plainText: "Fixed, see https://wiki.example/fix.\n\n-- \nAda"),
            properties: ["mailbridge.message": ["messageId": "<reply@mail.example>"]]
        )
        #expect(!comment.id.isEmpty)
        #expect(comment.body?.plainText == "Fixed, see https://wiki.example/fix.\n\n--\nAda")

        try await client.setIssueProperty(issue: created.key, key: "mailbridge.thread", value: ["root": "<root@x>", "count": 2])
        #expect(try await client.issueProperty(issue: created.key, key: "mailbridge.thread") == ["root": "<root@x>", "count": 2])
        #expect(try await client.issueProperty(issue: created.key, key: "mailbridge.absent") == nil)

        // Reconciliation: the issue is found by the Message-ID its property holds.
        #expect(try await client.issueKeys(withProperty: "mailbridge.message", path: "messageId", equalTo: messageID) == [created.key])
        #expect(try await client.issueKeys(withProperty: "mailbridge.message", path: "messageId", equalTo: "<other@x>").isEmpty)
        let page = try await client.searchIssues(jql: "project = ACME ORDER BY created DESC", fields: ["summary", "status"], maxResults: 10)
        #expect(page.issues.map(\.key) == [created.key])
        #expect(page.isLast)
        try await expectNoViolations(site)
        try await site.delete()
    }

    @Test("users by email, fields by name, the current user", arguments: SimulatorSite.Mode.allCases)
    func usersAndFields(mode: SimulatorSite.Mode) async throws {
        let site = try await SimulatorSite.create()
        let client = site.client(mode)
        #expect(try await client.user(withEmail: "BOB@example.test")?.accountId == SimulatorSite.bobAccountID)
        // Jira does not match hidden addresses in user search; inactive users do not count.
        #expect(try await client.user(withEmail: "carol@example.test") == nil)
        #expect(try await client.user(withEmail: "dan@example.test") == nil)
        #expect(try await client.searchUsers(query: "Carol").map(\.accountId) == [SimulatorSite.carolAccountID])
        #expect(try await client.searchUsers(query: "Carol").first?.emailAddress == nil)
        #expect(try await client.customFieldID(named: "Email message ID") == "customfield_10051")
        #expect(try await client.customFieldID(named: "No such field") == nil)
        let me = try await client.myself()
        switch mode {
        case .connect: #expect(me.accountType == "app")
        case .apiToken: #expect(me.accountId == SimulatorSite.adaAccountID)
        }
        try await expectNoViolations(site)
        try await site.delete()
    }

    @Test("attachments: upload, download through the media redirect, size limit", arguments: SimulatorSite.Mode.allCases)
    func attachments(mode: SimulatorSite.Mode) async throws {
        let site = try await SimulatorSite.create()
        let client = site.client(mode)
        let created = try await client.createIssue(JiraIssueCreation(project: .name("ACME"), issueType: .name("Task"), summary: "with attachment"))
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let attachments = try await client.addAttachment(issue: created.key, filename: "Bericht Q3 ü.pdf", contentType: "application/pdf", bytes: bytes)
        let attachment = try #require(attachments.first)
        #expect(attachment.filename == "Bericht Q3 ü.pdf")
        #expect(attachment.size == 300_000)
        #expect(attachment.mimeType == "application/pdf")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jira-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("download.bin")
        #expect(try await client.downloadAttachment(id: attachment.id, to: file, maxBytes: 1 << 20) == 300_000)
        #expect(Array(try Data(contentsOf: file)) == bytes)

        let small = directory.appendingPathComponent("small.bin")
        await #expect(throws: JiraError.self) { _ = try await client.downloadAttachment(id: attachment.id, to: small, maxBytes: 1000) }
        #expect(!FileManager.default.fileExists(atPath: small.path))
        await #expect(throws: JiraError.self) { _ = try await client.downloadAttachment(id: "999999", to: small, maxBytes: 1000) }
        try await expectNoViolations(site)
        try await site.delete()
    }

    @Test("429 and 503 are waited out; a 500 on a create is not repeated", arguments: SimulatorSite.Mode.allCases)
    func faults(mode: SimulatorSite.Mode) async throws {
        let site = try await SimulatorSite.create()
        let client = site.client(mode)
        try await site.fault(method: "GET", pathRegex: "^/rest/api/3/myself$", status: 429, retryAfter: 1)
        try await site.fault(method: "GET", pathRegex: "^/rest/api/3/field$", status: 503, count: 2)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await client.myself()
        #expect(clock.now - start >= .seconds(1))
        #expect(try await client.customFieldID(named: "Email message ID") == "customfield_10051")

        try await site.fault(method: "POST", pathRegex: "^/rest/api/3/issue$", status: 500)
        do {
            _ = try await client.createIssue(JiraIssueCreation(project: .name("ACME"), issueType: .name("Task"), summary: "once"))
            Issue.record("a 500 was not reported")
        } catch let error as JiraError {
            #expect(error.status == 500)
            #expect(error.isRetriable)
        }
        let creates = try await site.requests().filter { ($0["method"] as? String) == "POST" && ($0["path"] as? String) == "/rest/api/3/issue" }
        #expect(creates.count == 1)
        try await expectNoViolations(site)
        try await site.delete()
    }

    @Test("wrong credentials get Jira's 401, not retried")
    func wrongCredentials() async throws {
        let site = try await SimulatorSite.create()
        for client in [site.client(.connect, secret: "not-the-secret-0123456789abcdef-xyz"),
                       JiraClient(site: JiraSite(baseURL: site.baseURL, authentication: .apiToken(email: SimulatorSite.adaEmail, token: "wrong")),
                                  limiter: JiraRequestLimiter())] {
            do {
                _ = try await client.myself()
                Issue.record("wrong credentials were accepted")
            } catch let error as JiraError {
                #expect(error.status == 401)
                #expect(!error.isRetriable)
            }
        }
        try await expectNoViolations(site)
        try await site.delete()
    }
}
