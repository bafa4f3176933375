import Foundation
import Mail
import Notifications
import Testing

@Suite("Template mail")
struct TemplateMailTests {
    @Test("a rendered notification built by MailBuilder parses back to the same subject, text and HTML (non-ASCII)")
    func buildAndParse() throws {
        let longLine = String(repeating: "Sehr lange Zeile ohne Umbruch. ", count: 80) + "Ende."
        let view = TemplateFixtures.view(.commented, summary: "Ärger mit 日本語", comment: "Grüße — «quoted» 😀\nzweite Zeile\n" + longLine)
        let rendered = NotificationTemplates.shipped.render(view)
        let mail = OutboundMail(
            from: MailAddress(displayName: "Jira Ärger", address: "jira@example.test"), to: [MailAddress(address: "ada@example.test")],
            subject: rendered.subject, textBody: rendered.text, htmlBody: rendered.html,
            threading: MailThreading.forIssue("ACME-7", tenantID: "tenant-1", domain: "mailbridge.example.test"))
        let built = try MailBuilder(messageIDDomain: "mailbridge.example.test", origin: "test").build(mail, date: Date(timeIntervalSince1970: 1_764_400_000))
        #expect(built.bytes.allSatisfy { $0 < 0x80 })
        let parsed = MailParser().parse(built.bytes)
        #expect(parsed.subject == "[ACME] ACME-7: Ärger mit 日本語")
        #expect(parsed.textBody.map(Self.lf) == Self.lf(rendered.text))
        #expect(parsed.htmlBody.map(Self.lf) == Self.lf(rendered.html))
        #expect(parsed.textIsDerivedFromHTML == false)
        #expect(parsed.textBody?.contains("Grüße — «quoted» 😀") == true)
        #expect(parsed.textBody?.contains(longLine) == true)
        #expect(Self.lf(String(decoding: built.bytes, as: UTF8.self)).split(separator: "\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(parsed.inReplyTo == [MailThreading.forIssue("ACME-7", tenantID: "tenant-1", domain: "mailbridge.example.test").rootMessageID])
    }

    /// Line endings as LF: the wire has CRLF.
    static func lf(_ text: String) -> String { text.replacingOccurrences(of: "\r\n", with: "\n") }

    @Test("a view from a comment webhook alone names the comment, its author and the issue link")
    func viewFromEvent() throws {
        let url = URL(fileURLWithPath: "ops/samples/jira-comment-created.json")
        let event = try NotificationEvent(webhookJSON: Array(try Data(contentsOf: url)))
        let view = try NotificationView(event: event, siteBaseURL: "https://acme.atlassian.net/")
        #expect(view.event.kind == .commented)
        #expect(view.issue.url == "https://acme.atlassian.net/browse/\(event.issueKey)")
        #expect(view.site.name == "acme.atlassian.net")
        #expect(view.comment?.text == event.comment?.body)
        #expect(view.comment?.author != nil)
        #expect(view.event.headline.contains("commented on \(event.issueKey)"))
        let rendered = NotificationTemplates.shipped.render(view)
        #expect(rendered.text.contains(event.comment?.body ?? "<no comment>"))
    }

    @Test("an assignment webhook's view is about the assignment, headlined with the new assignee; attachments become links")
    func assignmentHeadline() throws {
        let body = """
            {"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_assigned",
             "user":{"accountId":"u-ada","displayName":"Ada Lovelace"},
             "issue":{"id":"10001","key":"ACME-7","fields":{"summary":"Printer","project":{"key":"ACME","name":"Acme"}}},
             "changelog":{"items":[{"field":"assignee","fieldId":"assignee","fromString":null,"toString":"Bob","to":"u-bob"},
               {"field":"Attachment","fieldId":"attachment","fromString":null,"toString":"log file.txt","to":"10042"}]}}
            """
        let view = try NotificationView(event: try NotificationEvent(webhookJSON: Array(body.utf8)), siteBaseURL: "https://acme.atlassian.net")
        #expect(view.event.kind == .assigned)
        #expect(view.event.headline == "Ada Lovelace assigned ACME-7 to Bob")
        #expect(view.changes == [.init(field: "assignee", from: nil, to: "Bob")])
        let long = String(repeating: "x", count: 1_500)
        let edited = try NotificationEvent(webhookJSON: Array(body.replacingOccurrences(of: "\"toString\":\"Bob\"", with: "\"toString\":\"\(long)\"").utf8))
        #expect(try NotificationView(event: edited, siteBaseURL: "https://acme.atlassian.net").changes.first?.to == String(long.prefix(1_000)) + "…")
        #expect(view.attachments == [.init(filename: "log file.txt", byteCount: nil, attached: false, link: "https://acme.atlassian.net/secure/attachment/10042/log%20file.txt")])
    }
}
