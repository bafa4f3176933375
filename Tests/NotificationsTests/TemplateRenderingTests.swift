import Foundation
import Notifications
import Testing

@Suite("Template rendering")
struct TemplateRenderingTests {
    /// What each kind's mail must say, beyond what every mail says.
    static let expectedByKind: [NotificationEventKind: [String]] = [
        .created: ["Description", "The printer in room 4 is on fire.", "photo.jpg", "video.mp4", "https://acme.atlassian.net/secure/attachment/10/video.mp4"],
        .updated: [],
        .commented: ["Grace Hopper", "Have you tried turning it off?"],
        .assigned: ["assignee", "Bob Builder"],
        .resolved: ["resolution", "Done", "In Progress"],
        .deleted: ["deleted"],
    ]

    @Test("the shipped set renders every kind with its issue, headline, link, footer and kind-specific parts", arguments: NotificationEventKind.allCases)
    func defaultsPerKind(kind: NotificationEventKind) throws {
        let rendered = NotificationTemplates.shipped.render(TemplateFixtures.view(kind))
        let subject = kind == .deleted ? "[ACME] ACME-7: Printer on fire (deleted)" : "[ACME] ACME-7: Printer on fire"
        #expect(rendered.subject == subject)
        for body in [rendered.text, rendered.html] {
            for expected in ["ACME-7", "Printer on fire", "Ada Lovelace \(kind.rawValue) ACME-7", "You are the reporter of this issue.", "acme.atlassian.net", "Acme Operations"] {
                #expect(body.contains(expected), "\(kind): \(expected) missing")
            }
            for expected in Self.expectedByKind[kind] ?? [] {
                #expect(body.contains(expected), "\(kind): \(expected) missing")
            }
        }
        let link = "https://acme.atlassian.net/browse/ACME-7"
        #expect(rendered.text.contains("Open ACME-7: \(link)") == (kind != .deleted))
        #expect(rendered.html.contains("href=\"\(link)\"") == (kind != .deleted))
        #expect(rendered.html.contains(">Open ACME-7</a>") == (kind != .deleted))
        // Kind-specific parts stay out of other kinds' mails.
        #expect(rendered.text.contains("Grace Hopper") == (kind == .commented))
        #expect(rendered.text.contains("Description:") == (kind == .created))
        #expect(rendered.text.contains("What changed:") == (kind == .assigned || kind == .resolved))
        #expect(rendered.html.contains("<th") == (kind == .assigned || kind == .resolved))
        // Every section tag stood on a line of its own: no blank-line pile-ups, no stray tags.
        #expect(!rendered.text.contains("\n\n\n"))
        #expect(!rendered.text.contains("{{") && !rendered.html.contains("{{"))
        #expect(!rendered.text.hasPrefix("\n"))
    }

    @Test("the shipped HTML is self-contained: inline CSS, 600px, no scripts, external images, fonts or style sheets")
    func htmlIsSelfContained() {
        let html = NotificationTemplates.shipped.render(TemplateFixtures.view(.created)).html.lowercased()
        #expect(html.contains("max-width:600px"))
        #expect(html.contains("role=\"presentation\""))
        for forbidden in ["<script", "<img", "<link", "@import", "url(", "<style", "<iframe", "javascript:"] {
            #expect(!html.contains(forbidden), "\(forbidden) in the shipped HTML")
        }
    }

    @Test("markup in the summary, comment and names is escaped in the HTML and left as written in the text")
    func injectionEscaped() {
        let summary = "<img src=x onerror=alert(1)> & \"quotes\" 'single'"
        let comment = "<script>alert('x')</script>\n<b>bold</b> & more"
        var view = TemplateFixtures.view(.commented, summary: summary, comment: comment)
        view.actorName = "<i>Mallory</i>"
        view.changes = [.init(field: "<u>field</u>", from: "<a href=\"javascript:x\">", to: "ok")]
        let rendered = NotificationTemplates.shipped.render(view)
        for raw in ["<img src=x", "<script>", "<b>bold</b>", "<u>field</u>", "<a href=\"javascript:x\">"] {
            #expect(!rendered.html.contains(raw), "\(raw) reached the HTML")
        }
        #expect(rendered.html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; &#39;single&#39;"))
        #expect(rendered.html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>\n&lt;b&gt;bold&lt;/b&gt; &amp; more"))
        // The text part and the subject carry the characters, not entities.
        #expect(rendered.text.contains(summary))
        #expect(rendered.text.contains(comment))
        #expect(!rendered.text.contains("&lt;") && !rendered.text.contains("&amp;") && !rendered.text.contains("&#39;"))
        #expect(rendered.subject == "[ACME] ACME-7: " + summary)
    }

    @Test("multi-line change values keep their line breaks: <br> in the HTML, newlines in the text")
    func multilineChange() {
        var view = TemplateFixtures.view(.updated)
        view.changes = [.init(field: "description", from: "old line 1\nold <line> 2", to: "new")]
        let rendered = NotificationTemplates.shipped.render(view)
        #expect(rendered.html.contains("old line 1<br>\nold &lt;line&gt; 2"))
        #expect(rendered.text.contains("- description: old line 1\nold <line> 2 -> new"))
    }

    @Test("an override cannot unescape: triple mustache and & in HTML still give escaped values")
    func overrideCannotInject() throws {
        let set = TemplateSet(subject: "{{{issue.summary}}}", text: "{{{issue.summary}}}|{{issue.summary}}", html: "<p>{{{issue.summary}}}|{{&issue.summary}}|{{issue.summary}}</p>")
        let rendered = try NotificationTemplates(set).render(TemplateFixtures.view(.updated, summary: "<b>x</b> & y"))
        #expect(rendered.html == "<p>&lt;b&gt;x&lt;/b&gt; &amp; y|&lt;b&gt;x&lt;/b&gt; &amp; y|&lt;b&gt;x&lt;/b&gt; &amp; y</p>")
        #expect(rendered.text == "<b>x</b> & y|<b>x</b> & y")
        #expect(rendered.subject == "<b>x</b> & y")
    }

    @Test("a link that is not http(s) never reaches a template")
    func unsafeLinksDropped() throws {
        var view = TemplateFixtures.view(.created)
        view.issue.url = "javascript:alert(1)"
        view.attachments = [.init(filename: "a.txt", byteCount: 5, attached: false, link: "data:text/html,<script>")]
        let rendered = NotificationTemplates.shipped.render(view)
        #expect(!rendered.html.contains("javascript:") && !rendered.html.contains("data:text"))
        #expect(!rendered.text.contains("javascript:") && !rendered.text.contains("data:text"))
        #expect(rendered.html.contains("a.txt"))
    }

    @Test("the subject is one line: CR, LF, tabs and separators collapse to single spaces, trimmed, capped at 250")
    func subjectOneLine() throws {
        let rendered = NotificationTemplates.shipped.render(TemplateFixtures.view(.updated, summary: "  Line one\r\nline\ttwo\u{2028}three \n"))
        #expect(rendered.subject == "[ACME] ACME-7: Line one line two three")
        let long = NotificationTemplates.shipped.render(TemplateFixtures.view(.updated, summary: String(repeating: "ä", count: 400)))
        #expect(long.subject.count == SubjectLine.maximumLength)
        #expect(long.subject.hasSuffix("…"))
        #expect(SubjectLine.normalize("\n\t ") == "")
    }

    @Test("a part that does not compile is refused, naming the part, Mustache's reason and the line")
    func brokenPartNamed() {
        let cases: [(TemplatePart, TemplateSet)] = [
            (.subject, TemplateSet(subject: "{{#a}}x", text: "ok", html: "ok")),
            (.text, TemplateSet(subject: "ok", text: "line\n{{#a}}x{{/b}}", html: "ok")),
            (.html, TemplateSet(subject: "ok", text: "ok", html: "<p>\n\n{{unclosed</p>")),
        ]
        for (part, set) in cases {
            do {
                _ = try NotificationTemplates(set)
                Issue.record("the broken \(part) compiled")
            } catch {
                guard case .doesNotCompile(let named, let line, _, let reason) = error else {
                    Issue.record("\(part): unexpected \(error)")
                    continue
                }
                #expect(named == part)
                #expect(!reason.isEmpty)
                #expect("\(error)".contains("the \(part.rawValue) template does not compile"))
                if part == .text { #expect(line == 2, "\(error)") }
                if part == .html { #expect(line == 3, "\(error)") }
            }
        }
    }

    @Test("a part over 256 KiB is refused")
    func tooLarge() {
        let set = TemplateSet(subject: "s", text: String(repeating: "x", count: TemplateSet.maximumPartBytes + 1), html: "h")
        #expect(throws: TemplateError.tooLarge(part: .text, bytes: TemplateSet.maximumPartBytes + 1)) { try NotificationTemplates(set) }
    }

    @Test("sizes read as people write them")
    func sizeText() {
        let sizes = [0, 1, 1023, 1024, 12_800, 52_428_800].map { NotificationView.Attachment(filename: "f", byteCount: $0, attached: true).sizeText }
        #expect(sizes == ["0 bytes", "1 byte", "1023 bytes", "1 KB", "12.5 KB", "50 MB"])
        #expect(NotificationView.Attachment(filename: "f", byteCount: nil, attached: false).sizeText == nil)
    }

    @Test("a set written to a directory reads back equal; a missing file is named")
    func filesRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try TemplateSet.defaults.write(to: directory)
        #expect(try TemplateSet(directory: directory) == TemplateSet.defaults)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("html.mustache"))
        do {
            _ = try TemplateSet(directory: directory)
            Issue.record("a set without html.mustache was read")
        } catch {
            #expect("\(error)".contains("html.mustache"))
        }
    }
}
