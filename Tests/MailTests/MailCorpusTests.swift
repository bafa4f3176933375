import Foundation
import Mail
import Testing

@Suite("Mail corpus")
struct MailCorpusTests {
    let parser = MailParser()
    let detector = MailLoopDetector(ownOrigins: ["install-1"], ownAddresses: ["support@acme.example"])

    @Test(
        "each charset sample decodes subject and body exactly",
        arguments: [
            ("charset-shift_jis.eml", "請求書について", "お世話になっております。\n請求書を添付します。\n"),
            ("charset-iso-2022-jp.eml", "会議の件", "明日の会議は十時からです。\n"),
            ("charset-euc-kr.eml", "문의 사항", "안녕하세요. 계정 문제입니다.\n"),
            ("charset-big5.eml", "帳單問題", "您好，我的帳單有問題。\n"),
            ("charset-gb2312.eml", "订单问题", "你好，我的订单没有收到。\n"),
            ("charset-koi8-r.eml", "Вопрос по счёту", "Здравствуйте! Счёт не пришёл.\n"),
            ("charset-windows-1251.eml", "Заявка", "Добрый день, прошу помочь.\n"),
        ])
    func charsets(file: String, subject: String, body: String) throws {
        let mail = parser.parse(try MailCorpus.own(file))
        #expect(mail.subject == subject)
        #expect(mail.textBody == body)
        #expect(mail.problems.isEmpty)
    }

    @Test("an Outlook reply: encoded sender, windows-1252 QP text, the Outlook block cut from the visible text")
    func outlookReply() throws {
        let mail = parser.parse(try MailCorpus.own("outlook-reply.eml"))
        #expect(mail.from == [MailAddress(displayName: "Jürgen Müller", address: "j@example.de")])
        #expect(mail.inReplyTo == ["jira.acme-42.0011223344556677@mailbridge.example"])
        #expect(mail.htmlBody != nil)
        let reply = VisibleReplyText().extract(from: mail.textBody ?? "")
        #expect(reply.visible == "Thanks – that fixed it.\n\nRegards,\nJürgen")
        #expect(reply.quoted?.contains("Please try again now.") == true)
        #expect(detector.verdict(for: mail) == nil)
    }

    @Test("a Gmail reply with an RFC 2231 attachment name")
    func gmailReply() throws {
        let mail = parser.parse(try MailCorpus.own("gmail-reply-attachment.eml"))
        #expect(mail.attachments.map(\.filename) == ["export-log-übersicht.txt"])
        #expect(mail.attachments.first?.size == 31)
        #expect(VisibleReplyText().extract(from: mail.textBody ?? "").visible == "The export still fails, log attached.")
    }

    @Test("Apple Mail: flowed text around an inline image is joined, the image is an inline attachment")
    func appleMail() throws {
        let mail = parser.parse(try MailCorpus.own("applemail-inline-image.eml"))
        #expect(mail.textBody == "Here is what I see when I click Save:\n\n\nThanks, Grace")
        #expect(mail.attachments.map(\.filename) == ["screenshot.png"])
        #expect(mail.attachments.first?.isInline == true)
    }

    @Test("auto-replies, bounces and list mail get their loop verdicts")
    func loops() throws {
        #expect(detector.verdict(for: parser.parse(try MailCorpus.own("auto-reply-exchange.eml")))?.reason == .autoSubmitted)
        #expect(detector.verdict(for: parser.parse(try MailCorpus.own("bounce-dsn.eml")))?.reason == .deliveryStatusNotification)
        #expect(detector.verdict(for: parser.parse(try MailCorpus.own("html-only-list.eml")))?.reason == .mailingList)
    }

    @Test("a calendar invite keeps its text and its .ics attachment; the text/calendar alternative is not an attachment")
    func calendar() throws {
        let mail = parser.parse(try MailCorpus.own("calendar-invite.eml"))
        #expect(mail.textBody == "You have been invited to Review.")
        #expect(mail.attachments.map(\.filename) == ["invite.ics"])
    }

    @Test("a signed message: the signature is an attachment, the text is the body")
    func signed() throws {
        let mail = parser.parse(try MailCorpus.own("signed-smime.eml"))
        #expect(mail.textBody == "Please reset my password.")
        #expect(mail.attachments.map(\.filename) == ["smime.p7s"])
    }

    @Test("a forward as attachment with directives in subject and body")
    func forwardWithDirectives() throws {
        let mail = parser.parse(try MailCorpus.own("forward-as-attachment-directives.eml"))
        #expect(mail.attachments.map(\.filename) == ["Where is my refund_.eml"])
        let subject = MailDirectives.extract(fromSubject: mail.subject ?? "")
        #expect(subject.subject == "Fwd: complaint")
        #expect(subject.directives == [MailDirective(key: "priority", value: "High"), MailDirective(key: "component", value: "billing")])
        let body = MailDirectives.extract(fromBody: mail.textBody ?? "")
        #expect(body.directives == [MailDirective(key: "assignee", value: "eve@example.com"), MailDirective(key: "labels", value: "vip")])
        #expect(body.text == "See the customer's mail below.")
    }

    @Test("an HTML-only mail gets text derived from its HTML, without style or script")
    func htmlOnly() throws {
        let mail = parser.parse(try MailCorpus.own("html-only-list.eml"))
        #expect(mail.textIsDerivedFromHTML)
        #expect(mail.textBody == "Update\n\nRead the post (https://example.com/post).")
    }

    /// Shared samples that are broken on purpose, and what is broken in each.
    static let knownBroken: [String: String] = [
        "attachment_emails/attachment_message_rfc822_inline_image.eml": "the attached message is cut off before its first boundary",
        "attachment_emails/attachment_with_encoded_name.eml": "a file name declares iso-2022-jp but holds an 8-bit byte",
        "plain_emails/raw_email8.eml": "the same damaged iso-2022-jp file name",
        "error_emails/bad_date_header.eml": "the Date header is not a date",
        "error_emails/bad_date_header2.eml": "not a date, and a multipart without its boundary",
        "plain_emails/raw_email_with_bad_date.eml": "the Date header is not a date",
        "error_emails/bad_encoded_subject.eml": "an encoded word names the charset \"none\"",
        "error_emails/content_transfer_encoding_empty.eml": "bytes that are not Big5 under a big5 label",
        "error_emails/content_transfer_encoding_plain.eml": "transfer encoding \"plain\"; 8-bit bytes under us-ascii",
        "error_emails/content_transfer_encoding_spam.eml": "transfer encoding \"7vladi.Pimenovit\"",
        "error_emails/content_transfer_encoding_text-html.eml": "transfer encoding \"text/html\"",
        "error_emails/content_transfer_encoding_with_semi_colon.eml": "damaged quoted-printable",
        "error_emails/empty_in_reply_to.eml": "the boundary never appears",
        "error_emails/missing_body.eml": "the boundary never appears",
        "error_emails/must_supply_encoding.eml": "the boundary never appears",
        "error_emails/invalid_subject_characters.eml": "undeclared 8-bit bytes in the Subject",
        "error_emails/multiple_references_with_one_invalid.eml": "a header line without a colon",
        "plain_emails/raw_email_incorrect_header.eml": "a header line without a colon",
        "rfc2822/example13.eml": "a header line \"__\" without a colon",
        "mime_emails/raw_email4.eml": "no closing boundary",
        "plain_emails/raw_email10.eml": "charset X-UNKNOWN",
        "plain_emails/raw_email6.eml": "8-bit bytes under a us-ascii label",
    ]

    @Test("every shared sample parses without problems unless it is broken on purpose, and then problems are reported")
    func sharedSamplesReportOnlyRealDamage() throws {
        let files = MailCorpus.files(in: MailCorpus.sharedDirectory)
        try #require(files.count >= 100, "the shared corpus is beside the repository")
        for file in files {
            let relative = String(file.path.dropFirst(MailCorpus.sharedDirectory.path.count + 1))
            let mail = parser.parse(Array(try Data(contentsOf: file)))
            if Self.knownBroken[relative] != nil {
                #expect(!mail.problems.isEmpty, "\(relative) is broken but no problem was reported")
            } else {
                #expect(mail.problems.isEmpty, "\(relative): \(mail.problems)")
            }
        }
    }

    @Test("every message of our corpus parses without problems")
    func ownCorpusIsClean() throws {
        let files = MailCorpus.files(in: MailCorpus.ownDirectory)
        try #require(files.count >= 15)
        for file in files {
            let mail = parser.parse(Array(try Data(contentsOf: file)))
            #expect(mail.problems.isEmpty, "\(file.lastPathComponent): \(mail.problems)")
        }
    }
}
