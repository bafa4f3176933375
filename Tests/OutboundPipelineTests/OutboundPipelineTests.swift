import Delivery
import Encryption
import Foundation
import Mail
import Notifications
import Testing
import TestSupport

@Suite("Outbound pipeline end to end", .serialized)
struct OutboundPipelineTests {
    /// Created and commented issues in Jira become mails in the recipients' mailboxes: the
    /// simulator sends signed webhooks to the webhook service, the renderer calls Jira back and
    /// renders, the sender delivers over SMTP, and IMAP reads them back.
    @Test("issue created, attachment added and comment made in Jira arrive as threaded mails, once each")
    func createdAttachedCommented() async throws {
        try await PipelineStack.with { stack, tenant in
            try await stack.useStackSMTP(tenant: tenant.tenantID)
            let scheme = NotificationScheme(
                project: "ACME",
                notifications: [
                    NotificationRule(event: .created, recipients: .init(assignee: true, emailParticipantFields: ["customfield_10050"])),
                    NotificationRule(event: .updated, changedFields: ["attachment"], recipients: .init(assignee: true)),
                    NotificationRule(event: .commented, recipients: .init(reporter: true, assignee: true)),
                ])
            try await SchemeStore(pool: stack.pool).save(scheme, tenant: tenant.tenantID)
            try await Task.sleep(for: .milliseconds(600))  // the webhook service's early-drop cache refreshes every 200 ms

            // Ada creates an issue assigned to Bob, with Dörte as an email-only participant.
            let participants = "Dörte Müller <\(stack.doerteAddress)>"
            let fields: [String: Any] = [
                "project": ["key": "ACME"], "summary": "Drucker brennt – 日本語", "issuetype": ["name": "Task"],
                "assignee": ["accountId": PipelineStack.bob],
                "customfield_10050": ["type": "doc", "version": 1, "content": [["type": "paragraph", "content": [["type": "text", "text": participants]]]]],
            ]
            let created = try await stack.jira(.post, "/rest/api/3/issue", as: PipelineStack.ada, json: ["fields": fields])
            #expect(created.status == 201, "\(created.text)")
            let key = try #require((try JSONSerialization.jsonObject(with: Data(created.body)) as? [String: Any])?["key"] as? String)

            let bobCreated = try await stack.mail.awaitMessages(deliveredTo: stack.bobAddress, count: 1)
            let doerte = try await stack.mail.awaitMessages(deliveredTo: stack.doerteAddress, count: 1)
            #expect(bobCreated.count == 1 && doerte.count == 1)
            let first = MailParser().parse(try #require(bobCreated.first))
            #expect(first.subject?.contains(key) == true)
            #expect(first.subject?.contains("Drucker brennt – 日本語") == true)
            #expect(first.from.first?.displayName == "Ada Lövelace (Jira)")
            #expect(first.textBody?.contains("Drucker brennt – 日本語") == true)
            #expect(first.htmlBody?.contains("Drucker brennt") == true)
            #expect(first.headers.decoded("X-Mailbridge-Origin") == "mailbridge-pipeline-test")
            let threadRoot = try #require(first.references.first)

            // Ada attaches a file: Bob (assignee) gets it attached.
            let boundary = "pipeline-boundary"
            let multipart = Array(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Übersicht.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                    + "Zeile 1\r\n--\(boundary)--\r\n").utf8)
            let attached = try await stack.jira(
                .post, "/rest/api/3/issue/\(key)/attachments", as: PipelineStack.ada,
                headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)", "X-Atlassian-Token": "no-check"], body: multipart)
            #expect(attached.status == 200, "\(attached.text)")
            let bobAttachment = try await stack.mail.awaitMessages(deliveredTo: stack.bobAddress, count: 2)
            let second = try #require(bobAttachment.map { MailParser().parse($0) }.first { $0.messageID != first.messageID })
            let file = try #require(second.attachments.first)
            #expect(file.filename == "Übersicht.txt")
            #expect(file.part.decodedBody() == Array("Zeile 1".utf8))
            #expect(second.references.first == threadRoot)

            // Bob comments: Ada (reporter) gets it; Bob made the change and is not mailed.
            let comment: [String: Any] = [
                "body": ["type": "doc", "version": 1, "content": [["type": "paragraph", "content": [["type": "text", "text": "Löschdecke liegt bereit."]]]]]
            ]
            let commented = try await stack.jira(.post, "/rest/api/3/issue/\(key)/comment", as: PipelineStack.bob, json: comment)
            #expect(commented.status == 201, "\(commented.text)")
            let ada = try await stack.mail.awaitMessages(deliveredTo: stack.adaAddress, count: 1)
            let third = MailParser().parse(try #require(ada.first))
            #expect(third.textBody?.contains("Löschdecke liegt bereit.") == true)
            #expect(third.references.first == threadRoot)
            #expect(third.inReplyTo.first != nil)

            // Once each: nothing more arrives (Jira sends a comment twice, as comment_created and as an update).
            try await Task.sleep(for: .seconds(3))
            #expect(try await stack.mail.messages(deliveredTo: stack.adaAddress).count == 1)
            #expect(try await stack.mail.messages(deliveredTo: stack.bobAddress).count == 2)
            #expect(try await stack.mail.messages(deliveredTo: stack.doerteAddress).count == 1)
        }
    }
}

@Suite("Outbound pipeline faults", .serialized)
struct OutboundPipelineFaultTests {
    static let assigneeOnCreate = NotificationScheme(
        project: "ACME", notifications: [NotificationRule(event: .created, recipients: .init(assignee: true))])

    @Test("Jira answers 429 and 500 to the renderer's call back: the mail still goes out, once")
    func jiraThrottlesAndFails() async throws {
        try await PipelineStack.with { stack, tenant in
            try await stack.useStackSMTP(tenant: tenant.tenantID)
            // Watchers are never in the webhook: the renderer always calls Jira back for them.
            let withWatchers = NotificationScheme(
                project: "ACME", notifications: [NotificationRule(event: .created, recipients: .init(assignee: true, watchers: true))])
            try await SchemeStore(pool: stack.pool).save(withWatchers, tenant: tenant.tenantID)
            try await Task.sleep(for: .milliseconds(600))
            try await stack.injectJiraFault(method: "GET", pathRegex: "^/rest/api/3/issue/", status: 429, count: 1, retryAfter: 1)
            try await stack.injectJiraFault(method: "GET", pathRegex: "^/rest/api/3/issue/", status: 500, count: 2)
            let key = try await stack.createIssue(summary: "Throttled")
            let mails = try await stack.mail.awaitMessages(deliveredTo: stack.bobAddress, count: 1)
            #expect(mails.count == 1)
            // Ada reported it and watches it, but made the change: only Bob.
            #expect(try await stack.mail.messages(deliveredTo: stack.adaAddress).isEmpty)
            #expect(MailParser().parse(try #require(mails.first)).subject?.contains(key) == true)
            #expect(try await stack.jiraFaultHits() == 3)
            try await Task.sleep(for: .seconds(2))
            #expect(try await stack.mail.messages(deliveredTo: stack.bobAddress).count == 1)
        }
    }

    /// Restarts the stack's SMTP server: runs apart from the other tests (ops/test.sh, "smtpRestart").
    @Test("the SMTP server down, then up again: the mail waits in the sender's retries and arrives once")
    func smtpRestart() async throws {
        let retry = RetryPolicy(maximumAttempts: 30, initialDelay: .milliseconds(200), maximumDelay: .seconds(1))
        try await PipelineStack.with(retry: retry) { stack, tenant in
            try await stack.useStackSMTP(tenant: tenant.tenantID)
            try await SchemeStore(pool: stack.pool).save(Self.assigneeOnCreate, tenant: tenant.tenantID)
            try await Task.sleep(for: .milliseconds(600))
            try await TestEnvironment.runScript("MAILBRIDGE_TEST_SMTP_STOP")
            do {
                let key = try await stack.createIssue(summary: "Mail server away")
                try await Task.sleep(for: .seconds(4))
                try await TestEnvironment.runScript("MAILBRIDGE_TEST_SMTP_START")
                let mails = try await stack.mail.awaitMessages(deliveredTo: stack.bobAddress, count: 1)
                #expect(mails.count == 1)
                #expect(MailParser().parse(try #require(mails.first)).subject?.contains(key) == true)
                try await Task.sleep(for: .seconds(2))
                #expect(try await stack.mail.messages(deliveredTo: stack.bobAddress).count == 1)
            } catch {
                try? await TestEnvironment.runScript("MAILBRIDGE_TEST_SMTP_START")
                throw error
            }
        }
    }

    @Test("plan capacity exhausted: the next mail is parked, not lost; raising the plan releases it, once")
    func capacityExhaustedThenRaised() async throws {
        try await PipelineStack.with(planCapacity: true) { stack, tenant in
            try await stack.useStackSMTP(tenant: tenant.tenantID)
            try await SchemeStore(pool: stack.pool).save(Self.assigneeOnCreate, tenant: tenant.tenantID)
            let plans = PlanDirectory(pool: stack.pool)
            try await plans.setPlan(CapacityPlan(messagesPerMonth: 1, bytesPerMonth: nil), tenant: tenant.tenantID)
            try await Task.sleep(for: .milliseconds(600))
            let first = try await stack.createIssue(summary: "Fits the plan")
            let mails = try await stack.mail.awaitMessages(deliveredTo: stack.bobAddress, count: 1)
            #expect(mails.count == 1 && MailParser().parse(mails[0]).subject?.contains(first) == true)

            let second = try await stack.createIssue(summary: "Over the plan")
            let parked = ParkedMailStore(pool: stack.pool, cipher: stack.cipher, blindIndex: try BlindIndex(key: Array(repeating: 9, count: 32)))
            let deadline = ContinuousClock.now + .seconds(30)
            while try await parked.waitingCount(tenant: tenant.tenantID) == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await parked.waitingCount(tenant: tenant.tenantID) == 1)
            try await Task.sleep(for: .seconds(1))
            #expect(try await stack.mail.messages(deliveredTo: stack.bobAddress).count == 1)

            try await plans.setPlan(CapacityPlan(messagesPerMonth: 10, bytesPerMonth: nil), tenant: tenant.tenantID)
            let after = try await stack.mail.awaitMessages(deliveredTo: stack.bobAddress, count: 2)
            #expect(after.count == 2)
            #expect(after.contains { MailParser().parse($0).subject?.contains(second) == true })
            #expect(try await parked.waitingCount(tenant: tenant.tenantID) == 0)
            try await Task.sleep(for: .seconds(2))
            #expect(try await stack.mail.messages(deliveredTo: stack.bobAddress).count == 2)
        }
    }
}
