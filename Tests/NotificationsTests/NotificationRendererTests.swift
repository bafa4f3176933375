import Foundation
import Kafka
import Mail
import Messaging
import Curl
import Delivery
import Notifications
import Platform
import Testing
import TestSupport

@Suite("NotificationRenderer over the stack", .serialized)
struct NotificationRendererTests {
    static let everyone = RecipientSelection(
        reporter: true, assignee: true, emailParticipantFields: ["customfield_10050"], addresses: ["ops@acme.test"])

    @Test("a created issue becomes one sealed mail and one mail.outbound record, the same again on replay")
    func createdIssue() async throws {
        try await RendererTestStack.with { stack in
            try await stack.schemes.save(
                NotificationScheme(project: "ACME", notifications: [NotificationRule(event: .created, recipients: Self.everyone)]),
                tenant: stack.tenant.tenantID)
            let key = try await stack.createIssue(
                summary: "Drucker brennt – 日本語", assignee: RendererTestStack.bob, participants: "Dave <dave@example.test>, eve@example.test")
            try await stack.attach("log.txt", bytes: Array("paper jam at 10:02\n".utf8), to: key)
            let body = try await stack.webhookBody("jira:issue_created", issue: key)
            let envelope = try await stack.envelope(body, type: "jira:issue_created")

            let result = try await stack.renderer.render(envelope)
            guard case .rendered(let request) = result else {
                Issue.record("expected a rendered mail, got \(result)")
                return
            }
            // Ada made the change and is the reporter: not mailed (includeActor is false).
            #expect(request.recipients == ["bob@acme.test", "dave@example.test", "eve@example.test", "ops@acme.test"])
            #expect(request.issueKey == key && request.requestID == envelope.id && request.kind == .notification)
            #expect(request.envelopeFrom == "jira@mailbridge.test")
            #expect(request.objectKey.hasPrefix("sent/\(stack.tenant.tenantID)/"))

            let mail = try await stack.storedMail(request)
            #expect(mail.count == request.byteCount)
            let parsed = MailParser().parse(mail)
            #expect(parsed.subject?.contains(key) == true)
            #expect(parsed.subject?.contains("Drucker brennt – 日本語") == true)
            #expect(parsed.messageID == request.messageID)
            #expect(parsed.headers.decoded("X-Mailbridge-Origin") == "mailbridge-test")
            #expect(!parsed.references.isEmpty)
            let text = parsed.textBody ?? ""
            #expect(text.contains("Drucker brennt – 日本語"))
            #expect(parsed.htmlBody?.contains("Drucker brennt") == true)
            let attachment = try #require(parsed.attachments.first { $0.filename == "log.txt" })
            #expect(attachment.part.decodedBody() == Array("paper jam at 10:02\n".utf8))

            let records = try await TopicReader.records(brokers: stack.brokers, topic: stack.settings.topics.outbound, count: 1)
            let produced = try EventEnvelope(json: records[0].value)
            #expect(records[0].keyString == stack.tenant.tenantID)
            #expect(produced.id == envelope.id)
            let opened = try await produced.openBody(with: stack.cipher, purpose: RendererSettings.Topics.outboundPurpose)
            #expect(try TopicRecordCoding.decode(OutboundMailRequest.self, from: opened) == request)

            // A replay (Kafka is at-least-once) renders the same object key and Message-ID.
            guard case .rendered(let again) = try await stack.renderer.render(envelope) else {
                Issue.record("replay was not rendered")
                return
            }
            #expect(again.objectKey == request.objectKey && again.messageID == request.messageID && again.requestID == request.requestID)
            let audit = try await stack.audit.outcome(tenant: stack.tenant.tenantID, eventID: envelope.id)
            #expect(audit?.0 == .rendered && audit?.recipientCount == 4)
            #expect(try await stack.violations().isEmpty)
        }
    }

    @Test("a scheme naming the tenant's own template set renders with it")
    func tenantTemplates() async throws {
        try await RendererTestStack.with { stack in
            let brief = TemplateSet(
                subject: "BRIEF {{issue.key}}: {{issue.summary}}", text: "{{event.headline}} (brief)",
                html: "<p>{{event.headline}} (brief)</p>")
            try await TemplateStore(pool: stack.pool).save(tenant: stack.tenant.tenantID, name: "brief", set: brief)
            try await stack.schemes.save(
                NotificationScheme(
                    project: "ACME", templateSet: "brief", from: "help@acme.test",
                    notifications: [NotificationRule(event: .created, recipients: .init(assignee: true))]),
                tenant: stack.tenant.tenantID)
            let key = try await stack.createIssue(summary: "Short please", assignee: RendererTestStack.bob)
            let envelope = try await stack.envelope(try await stack.webhookBody("jira:issue_created", issue: key), type: "jira:issue_created")
            guard case .rendered(let request) = try await stack.renderer.render(envelope) else {
                Issue.record("not rendered")
                return
            }
            #expect(request.envelopeFrom == "help@acme.test")
            let parsed = MailParser().parse(try await stack.storedMail(request))
            #expect(parsed.subject == "BRIEF \(key): Short please")
            #expect(parsed.textBody?.contains("(brief)") == true)
            #expect(parsed.from.first?.address == "help@acme.test")
        }
    }

    @Test("an assignee whose email Jira hides is reported in the audit, and no mail is made")
    func hiddenAssignee() async throws {
        try await RendererTestStack.with { stack in
            try await stack.schemes.save(
                NotificationScheme(project: "ACME", notifications: [NotificationRule(event: .assigned, recipients: .init(assignee: true))]),
                tenant: stack.tenant.tenantID)
            let key = try await stack.createIssue(summary: "Needs Carol", assignee: RendererTestStack.carol)
            let changelog: [[String: Any]] = [["field": "assignee", "fieldId": "assignee", "fieldtype": "jira", "from": NSNull(),
                                               "fromString": NSNull(), "to": RendererTestStack.carol, "toString": "Carol"]]
            let body = try await stack.webhookBody(
                "jira:issue_updated", issue: key, extra: ["changelog": changelog, "issue_event_type_name": "issue_assigned"])
            let envelope = try await stack.envelope(body, type: "jira:issue_updated")
            #expect(try await stack.renderer.render(envelope) == .dropped(.noRecipient))
            let audit = try await stack.audit.outcome(tenant: stack.tenant.tenantID, eventID: envelope.id)
            #expect(audit?.0 == .noRecipient)
            #expect(audit?.hiddenAccounts == [RendererTestStack.carol])
            #expect(try await stack.objects.allKeys().isEmpty)
        }
    }

    @Test("no scheme for the project, or no rule for the issue type: dropped, counted, nothing stored or produced")
    func dropped() async throws {
        try await RendererTestStack.with { stack in
            let key = try await stack.createIssue(summary: "Nobody listens", assignee: RendererTestStack.bob)
            let body = try await stack.webhookBody("jira:issue_created", issue: key)
            #expect(try await stack.renderer.render(try await stack.envelope(body, type: "jira:issue_created")) == .dropped(.noScheme))
            try await stack.schemes.save(
                NotificationScheme(
                    project: "ACME", notifications: [NotificationRule(event: .created, issueTypes: ["Bug"], recipients: .init(assignee: true))]),
                tenant: stack.tenant.tenantID)
            let envelope = try await stack.envelope(body, type: "jira:issue_created")
            #expect(try await stack.renderer.render(envelope) == .dropped(.noRule))
            #expect(try await stack.audit.outcome(tenant: stack.tenant.tenantID, eventID: envelope.id)?.0 == .noRule)
            #expect(try await stack.objects.allKeys().isEmpty)
            await #expect(throws: TopicReader.TooFew.self) {
                _ = try await TopicReader.records(brokers: stack.brokers, topic: stack.settings.topics.outbound, count: 1, timeout: .seconds(3))
            }
        }
    }
}

@Suite("RenderingHandler over the stack", .serialized)
struct RenderingHandlerTests {
    static func message(_ stack: RendererTestStack, value: [UInt8], offset: Int64 = 0) -> KafkaConsumerMessage {
        KafkaConsumerMessage(
            topic: stack.settings.topics.events, partition: 0, offset: offset, key: Array(stack.tenant.tenantID.utf8), value: value, headers: [],
            timestampMilliseconds: nil)
    }

    static func handler(_ stack: RendererTestStack) -> RenderingHandler {
        RenderingHandler(
            renderer: stack.renderer, producer: stack.producer, hasher: PIIHasher(key: Array(repeating: 3, count: 32)), logger: quietLogger())
    }

    @Test("a Jira 503 is retried inside the lane and the event is rendered; junk is dead-lettered with its reason")
    func retriesThenDeadLetters() async throws {
        try await RendererTestStack.with { stack in
            try await stack.schemes.save(
                NotificationScheme(
                    project: "ACME", notifications: [NotificationRule(event: .created, recipients: .init(assignee: true, watchers: true))]),
                tenant: stack.tenant.tenantID)
            let key = try await stack.createIssue(summary: "Flaky Jira", assignee: RendererTestStack.bob)
            let envelope = try await stack.envelope(try await stack.webhookBody("jira:issue_created", issue: key), type: "jira:issue_created")
            // More 503s than the Jira client retries on its own, fewer than the handler's attempts allow
            // (the watchers are not in the webhook: they are always asked for).
            let fault: [String: Any] = ["site": stack.site, "method": "GET", "pathRegex": "^/rest/api/3/issue/", "count": 4, "status": 503]
            #expect(try await TestHTTP.postJSON("\(stack.jiraURL)/__sim/faults", fault).status < 300)
            let handler = Self.handler(stack)
            await handler.handle(Self.message(stack, value: try envelope.json()))
            let outbound = try await TopicReader.records(brokers: stack.brokers, topic: stack.settings.topics.outbound, count: 1)
            #expect(try EventEnvelope(json: outbound[0].value).id == envelope.id)
            let faults = try await TestHTTP.client.execute(HTTPRequest(url: URL(string: "\(stack.jiraURL)/__sim/faults?site=\(stack.site)")!))
            let listed = try JSONSerialization.jsonObject(with: Data(faults.body)) as? [[String: Any]]
            #expect(listed?.first?["hits"] as? Int == 4)

            await handler.handle(Self.message(stack, value: Array("not an envelope from x@acme.test".utf8), offset: 1))
            let dead = try await TopicReader.records(brokers: stack.brokers, topic: stack.settings.topics.deadLetter, count: 1)
            let letter = try DeadLetter(json: dead[0].value)
            #expect(letter.offset == 1 && letter.topic == stack.settings.topics.events)
            #expect(letter.error.contains("not an event envelope"))
            #expect(dead[0].keyString == stack.tenant.tenantID)
        }
    }
}
