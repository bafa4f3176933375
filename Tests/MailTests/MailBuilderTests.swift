import Foundation
import Mail
import Testing

/// Shared by the builder tests and the Python checks: fixtures and ways to look into built bytes.
enum MailBuilderKit {
    static let builder = MailBuilder(messageIDDomain: "mail.example.com", origin: "mailbridge-test")
    /// 2023-11-14 22:13:20 UTC, a Tuesday.
    static let date = Date(timeIntervalSince1970: 1_700_000_000)
    static let messageID = "fixed@mail.example.com"

    static func mail(
        subject: String = "[ABC-12] Build failed",
        text: String? = "Hello\n",
        html: String? = nil
    ) -> OutboundMail {
        OutboundMail(
            from: MailAddress(displayName: "Jira", address: "jira@example.com"),
            to: [MailAddress(displayName: "Ada Lovelace", address: "ada@example.com")],
            subject: subject,
            textBody: text,
            htmlBody: html
        )
    }

    static func build(_ mail: OutboundMail, messageID: String? = MailBuilderKit.messageID) throws -> String {
        String(decoding: try builder.build(mail, date: date, messageID: messageID).bytes, as: UTF8.self)
    }

    static func buildError(_ mail: OutboundMail, builder: MailBuilder = builder, messageID: String? = messageID) -> MailBuildError? {
        do {
            _ = try builder.build(mail, date: date, messageID: messageID)
            return nil
        } catch {
            return error
        }
    }

    /// The top-level header section, without the blank line.
    static func headerSection(_ message: String) -> String {
        guard let end = message.range(of: "\r\n\r\n") else { return message }
        return String(message[..<end.lowerBound])
    }

    /// The body after the top-level header section.
    static func body(_ message: String) -> String {
        guard let end = message.range(of: "\r\n\r\n") else { return "" }
        return String(message[end.upperBound...])
    }

    /// The lines of one header field (the first with this name), as folded.
    static func field(_ name: String, in message: String) -> [String] {
        let lines = headerSection(message).components(separatedBy: "\r\n")
        guard let start = lines.firstIndex(where: { $0.lowercased().hasPrefix(name.lowercased() + ":") }) else { return [] }
        var result = [lines[start]]
        for line in lines[(start + 1)...] {
            guard line.hasPrefix(" ") || line.hasPrefix("\t") else { break }
            result.append(line)
        }
        return result
    }

    /// Every boundary (`=_` and 28 letters or digits) replaced by `B1`, `B2`, … in order of first appearance.
    static func normalizingBoundaries(_ message: String) -> String {
        var result = message
        var names: [String: String] = [:]
        let pattern = try! NSRegularExpression(pattern: "=_[A-Za-z0-9]{28}")
        let matches = pattern.matches(in: message, range: NSRange(message.startIndex..., in: message))
        for match in matches {
            let boundary = String(message[Range(match.range, in: message)!])
            if names[boundary] == nil { names[boundary] = "B\(names.count + 1)" }
        }
        for (boundary, name) in names { result = result.replacingOccurrences(of: boundary, with: name) }
        return result
    }

    /// Decodes a header value made of encoded words (as the builder writes them), checking each
    /// word is valid UTF-8 on its own.
    static func decodeEncodedWords(_ lines: [String]) -> (text: String, words: [String], eachWordValidUTF8: Bool) {
        var value = lines.joined()
        if let colon = value.firstIndex(of: ":") { value = String(value[value.index(after: colon)...]) }
        let words = value.split(separator: " ").map(String.init)
        var bytes: [UInt8] = []
        var valid = true
        for word in words {
            guard word.hasPrefix("=?utf-8?"), word.hasSuffix("?=") else { return (value, words, false) }
            let payload = String(word.dropFirst(10).dropLast(2))
            var decoded: [UInt8] = []
            if word.hasPrefix("=?utf-8?B?") {
                decoded = Array(Data(base64Encoded: payload) ?? Data())
            } else {
                var utf8 = Array(payload.utf8)[...]
                while let byte = utf8.popFirst() {
                    if byte == UInt8(ascii: "_") {
                        decoded.append(0x20)
                    } else if byte == UInt8(ascii: "="), utf8.count >= 2 {
                        decoded.append(UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) ?? 0)
                        utf8 = utf8.dropFirst(2)
                    } else {
                        decoded.append(byte)
                    }
                }
            }
            if String(validating: decoded, as: UTF8.self) == nil { valid = false }
            bytes += decoded
        }
        return (String(decoding: bytes, as: UTF8.self), words, valid)
    }

    /// Whether every line ends in CRLF and no CR or LF stands alone.
    static func onlyCRLF(_ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.enumerated() {
            if byte == 13, index + 1 >= bytes.count || bytes[index + 1] != 10 { return false }
            if byte == 10, index == 0 || bytes[index - 1] != 13 { return false }
        }
        return bytes.suffix(2) == [13, 10]
    }
}

@Suite("MailBuilder headers")
struct MailBuilderHeaderTests {
    typealias Kit = MailBuilderKit

    @Test("a plain ASCII mail is written exactly, header by header")
    func plainMail() throws {
        let message = try Kit.build(Kit.mail())
        #expect(
            message == """
                Date: Tue, 14 Nov 2023 22:13:20 +0000\r
                From: Jira <jira@example.com>\r
                To: Ada Lovelace <ada@example.com>\r
                Subject: [ABC-12] Build failed\r
                Message-ID: <fixed@mail.example.com>\r
                MIME-Version: 1.0\r
                Auto-Submitted: auto-generated\r
                X-Auto-Response-Suppress: All\r
                X-Mailbridge-Origin: mailbridge-test\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r
                Hello\r

                """)
    }

    @Test("Cc, Reply-To and extra headers appear in order; empty lists are left out")
    func optionalHeaders() throws {
        var mail = Kit.mail()
        mail.to = []
        mail.cc = [MailAddress(address: "team@example.com"), MailAddress(displayName: "Bob", address: "bob@example.com")]
        mail.replyTo = [MailAddress(displayName: "Jira Replies", address: "reply+abc@example.com")]
        mail.extraHeaders = [
            OutboundHeader(name: "X-Jira-Issue", value: "  ABC-12  "),
            OutboundHeader(name: "List-Unsubscribe", value: "<https://jira.example.com/unsubscribe?id=1>"),
        ]
        let headers = Kit.headerSection(try Kit.build(mail))
        #expect(
            headers == """
                Date: Tue, 14 Nov 2023 22:13:20 +0000\r
                From: Jira <jira@example.com>\r
                Cc: team@example.com, Bob <bob@example.com>\r
                Reply-To: Jira Replies <reply+abc@example.com>\r
                Subject: [ABC-12] Build failed\r
                Message-ID: <fixed@mail.example.com>\r
                MIME-Version: 1.0\r
                Auto-Submitted: auto-generated\r
                X-Auto-Response-Suppress: All\r
                X-Mailbridge-Origin: mailbridge-test\r
                X-Jira-Issue: ABC-12\r
                List-Unsubscribe: <https://jira.example.com/unsubscribe?id=1>\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 7bit
                """)
    }

    @Test("a subject with an umlaut becomes one Q encoded word (shorter than B)")
    func umlautSubject() throws {
        let message = try Kit.build(Kit.mail(subject: "Re: Änderung am Ticket"))
        #expect(Kit.field("Subject", in: message) == ["Subject: =?utf-8?Q?Re=3A_=C3=84nderung_am_Ticket?="])
    }

    @Test("an emoji subject: Q and B are equally long, Q wins the tie")
    func emojiSubject() throws {
        let message = try Kit.build(Kit.mail(subject: "Deploy 🎉 done"))
        #expect(Kit.field("Subject", in: message) == ["Subject: =?utf-8?Q?Deploy_=F0=9F=8E=89_done?="])
    }

    @Test("a CJK subject becomes B, which is shorter")
    func cjkSubject() throws {
        let message = try Kit.build(Kit.mail(subject: "日本語の件名"))
        #expect(Kit.field("Subject", in: message) == ["Subject: =?utf-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?="])
    }

    @Test("a 300-character subject folds into encoded words of at most 75 characters on lines of at most 78")
    func longSubject() throws {
        let subject = String(repeating: "Überprüfung der Änderungen ", count: 11) + "END"
        #expect(subject.count == 300)
        let lines = Kit.field("Subject", in: try Kit.build(Kit.mail(subject: subject)))
        let decoded = Kit.decodeEncodedWords(lines)
        #expect(decoded.text == subject)
        #expect(decoded.eachWordValidUTF8)
        #expect(decoded.words.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        // 3 umlauts in 27 characters: B (40 per repetition) beats Q (42); 42 bytes fill the first word.
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" =?utf-8?B?") })
        #expect(lines.count == 8)
        #expect(lines[0] == "Subject: =?utf-8?B?w5xiZXJwcsO8ZnVuZyBkZXIgw4RuZGVydW5nZW4gw5xiZXJwcsO8ZnVu?=")
        #expect(lines[0].utf8.count == 77)
    }

    @Test("long emoji and CJK subjects never split a character across words")
    func wordsNeverSplitCharacters() throws {
        for subject in [String(repeating: "🎉", count: 60), String(repeating: "漢字", count: 70), String(repeating: "aé🎉漢 ", count: 30)] {
            let lines = Kit.field("Subject", in: try Kit.build(Kit.mail(subject: subject)))
            let decoded = Kit.decodeEncodedWords(lines)
            #expect(decoded.text == subject)
            #expect(decoded.eachWordValidUTF8)
            #expect(decoded.words.allSatisfy { $0.utf8.count <= 75 })
            #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        }
    }

    @Test("a long ASCII subject folds at spaces, and unfolding restores it")
    func longASCIISubject() throws {
        let subject = "[ABC-12] The nightly build of the payment service failed again on the integration  stage"
        let lines = Kit.field("Subject", in: try Kit.build(Kit.mail(subject: subject)))
        #expect(
            lines == [
                "Subject: [ABC-12] The nightly build of the payment service failed again on the",
                " integration  stage",
            ])
        #expect(String(lines.joined().dropFirst("Subject: ".count)) == subject)
    }

    @Test("ASCII subjects that would not survive as is are encoded: fake encoded words, edge spaces, tabs, words too long to fold")
    func asciiSubjectsThatNeedEncoding() throws {
        #expect(Kit.field("Subject", in: try Kit.build(Kit.mail(subject: "=?utf-8?Q?x?="))) == ["Subject: =?utf-8?B?PT91dGYtOD9RP3g/PQ==?="])
        #expect(Kit.field("Subject", in: try Kit.build(Kit.mail(subject: " padded "))) == ["Subject: =?utf-8?Q?_padded_?="])
        #expect(Kit.field("Subject", in: try Kit.build(Kit.mail(subject: "a\tb"))) == ["Subject: =?utf-8?B?YQli?="])
        let url = "https://jira.example.com/browse/ABC-12?focusedCommentId=100&page=comment-tabpanel"
        let lines = Kit.field("Subject", in: try Kit.build(Kit.mail(subject: url)))
        #expect(Kit.decodeEncodedWords(lines).text == url)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(Kit.field("Subject", in: try Kit.build(Kit.mail(subject: ""))) == ["Subject:"])
    }

    @Test("display names: atoms plain, specials quoted and escaped, non-ASCII encoded")
    func displayNames() throws {
        var mail = Kit.mail()
        mail.from = MailAddress(displayName: "Lovelace, Ada (Jira)", address: "jira@example.com")
        mail.to = [
            MailAddress(displayName: "Say \"hi\" \\o/", address: "a@example.com"),
            MailAddress(displayName: "Jürgen Groß", address: "j@example.de"),
            MailAddress(displayName: "", address: "plain@example.com"),
            MailAddress(displayName: "O'Brien", address: "ob@example.com"),
        ]
        let message = try Kit.build(mail)
        #expect(Kit.field("From", in: message) == ["From: \"Lovelace, Ada (Jira)\" <jira@example.com>"])
        #expect(
            Kit.field("To", in: message) == [
                "To: \"Say \\\"hi\\\" \\\\o/\" <a@example.com>, =?utf-8?B?SsO8cmdlbiBHcm/Dnw==?=",
                " <j@example.de>, plain@example.com, O'Brien <ob@example.com>",
            ])
    }

    @Test("without To and Cc the recipients stay in the envelope: To is the empty group undisclosed-recipients, and it parses to no address")
    func undisclosedRecipients() throws {
        var mail = Kit.mail()
        mail.to = []
        mail.cc = []
        let message = try Kit.build(mail)
        #expect(Kit.field("To", in: message) == ["To: undisclosed-recipients:;"])
        #expect(MailParser().parse(Array(message.utf8)).to.isEmpty)
        // With Cc only there is no To at all; with To, its addresses.
        mail.cc = [MailAddress(address: "cc@example.com")]
        #expect(Kit.field("To", in: try Kit.build(mail)).isEmpty)
        mail.to = [MailAddress(address: "to@example.com")]
        #expect(Kit.field("To", in: try Kit.build(mail)) == ["To: to@example.com"])
    }

    @Test("an encoded display name that fits one word starts a new line rather than being split; a longer one splits")
    func encodedDisplayNameFolding() throws {
        var mail = Kit.mail()
        mail.to = [
            MailAddress(displayName: "Ada Lovelace", address: "ada.lovelace@example.com"),
            MailAddress(displayName: "佐藤 花子（経理部）", address: "hanako@example.jp"),
        ]
        #expect(
            Kit.field("To", in: try Kit.build(mail)) == [
                "To: Ada Lovelace <ada.lovelace@example.com>,",
                " =?utf-8?B?5L2Q6JekIOiKseWtkO+8iOe1jOeQhumDqO+8iQ==?= <hanako@example.jp>",
            ])
        let long = "佐藤 花子 " + String(repeating: "長い名前", count: 20)
        mail.to = [MailAddress(displayName: long, address: "hanako@example.jp")]
        let lines = Kit.field("To", in: try Kit.build(mail))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.last?.hasSuffix("?= <hanako@example.jp>") == true)
        let nameLines = lines.map { $0.replacingOccurrences(of: " <hanako@example.jp>", with: "") }
        let decoded = Kit.decodeEncodedWords(nameLines)
        #expect(decoded.text == long)
        #expect(decoded.eachWordValidUTF8)
        #expect(decoded.words.count == 6)  // 254 bytes, 45 per B word
    }

    @Test("a long address list folds between mailboxes within 78 characters")
    func longAddressList() throws {
        var mail = Kit.mail()
        mail.to = (1...8).map { MailAddress(displayName: "Person \($0)", address: "person.\($0)@example.com") }
        let lines = Kit.field("To", in: try Kit.build(mail))
        #expect(
            lines == [
                "To: Person 1 <person.1@example.com>, Person 2 <person.2@example.com>, Person 3",
                " <person.3@example.com>, Person 4 <person.4@example.com>, Person 5",
                " <person.5@example.com>, Person 6 <person.6@example.com>, Person 7",
                " <person.7@example.com>, Person 8 <person.8@example.com>",
            ])
    }

    @Test("a generated Message-ID is 32 random hex digits at the configured domain")
    func generatedMessageID() throws {
        let first = try Kit.builder.build(Kit.mail(), date: Kit.date)
        let second = try Kit.builder.build(Kit.mail(), date: Kit.date)
        #expect(first.messageID != second.messageID)
        #expect(first.messageID.wholeMatch(of: /[0-9a-f]{32}@mail\.example\.com/) != nil)
        let message = String(decoding: first.bytes, as: UTF8.self)
        #expect(Kit.field("Message-ID", in: message) == ["Message-ID: <\(first.messageID)>"])
        let given = try Kit.builder.build(Kit.mail(), date: Kit.date, messageID: "<given@example.com>")
        #expect(given.messageID == "given@example.com")
    }

    @Test("dates are RFC 5322 in UTC, including before 1970 and on a leap day")
    func dates() throws {
        let cases: [(TimeInterval, String)] = [
            (0, "Date: Thu, 01 Jan 1970 00:00:00 +0000"),
            (-1, "Date: Wed, 31 Dec 1969 23:59:59 +0000"),
            (951_825_599.75, "Date: Tue, 29 Feb 2000 11:59:59 +0000"),
            (4_102_444_800, "Date: Fri, 01 Jan 2100 00:00:00 +0000"),
        ]
        for (seconds, expected) in cases {
            let built = try Kit.builder.build(Kit.mail(), date: Date(timeIntervalSince1970: seconds), messageID: Kit.messageID)
            #expect(Kit.field("Date", in: String(decoding: built.bytes, as: UTF8.self)) == [expected])
        }
    }
}

@Suite("MailBuilder validation")
struct MailBuilderValidationTests {
    typealias Kit = MailBuilderKit

    /// One way of smuggling a line break into a header.
    struct Injection: Sendable, CustomTestStringConvertible {
        let field: String
        let error: @Sendable () -> MailBuildError?
        var testDescription: String { field }

        init(_ field: String, messageID: String? = Kit.messageID, builder: MailBuilder = Kit.builder, _ change: @escaping @Sendable (inout OutboundMail) -> Void = { _ in }) {
            self.field = field
            error = {
                var mail = Kit.mail(html: "<img src=\"cid:logo\">")
                change(&mail)
                return Kit.buildError(mail, builder: builder, messageID: messageID)
            }
        }
    }

    static let injections: [Injection] = [
        Injection("from") { $0.from.address = "jira@example.com\r\nBcc: victim@example.com" },
        Injection("from.displayName") { $0.from.displayName = "Jira\nBcc: victim@example.com" },
        Injection("to[1]") { $0.to.append(MailAddress(address: "b@example.com\r")) },
        Injection("cc[0].displayName") { $0.cc = [MailAddress(displayName: "Eve\r\n", address: "eve@example.com")] },
        Injection("replyTo[0]") { $0.replyTo = [MailAddress(address: "\nreply@example.com")] },
        Injection("subject") { $0.subject = "Hi\r\nBcc: victim@example.com" },
        Injection("subject") { $0.subject = "Hi\rthere" },
        Injection("extraHeaders[0].name") { $0.extraHeaders = [OutboundHeader(name: "X-A\r\nBcc", value: "x")] },
        Injection("extraHeaders[1].value") {
            $0.extraHeaders = [OutboundHeader(name: "X-A", value: "ok"), OutboundHeader(name: "X-B", value: "x\nBcc: v@example.com")]
        },
        Injection("attachments[0].filename") { $0.attachments = [OutboundAttachment(filename: "a\r\n.pdf", contentType: "application/pdf", data: [])] },
        Injection("attachments[0].contentType") { $0.attachments = [OutboundAttachment(filename: "a.pdf", contentType: "application/pdf\r\nX: y", data: [])] },
        Injection("attachments[0].contentID") {
            $0.attachments = [OutboundAttachment(filename: "a.pdf", contentType: "application/pdf", contentID: "id\n@x", data: [])]
        },
        Injection("inlineParts[0].filename") {
            $0.inlineParts = [OutboundAttachment(filename: "logo\n.png", contentType: "image/png", contentID: "logo", data: [])]
        },
        Injection("inlineParts[0].contentID") {
            $0.inlineParts = [OutboundAttachment(filename: "logo.png", contentType: "image/png", contentID: "logo\r\nX: y", data: [])]
        },
        Injection("threading.rootMessageID") { $0.threading = MailThreading(rootMessageID: "root@x\r\nBcc: v@example.com") },
        Injection("threading.references[0]") { $0.threading = MailThreading(rootMessageID: "root@x", references: ["a@x\n"]) },
        Injection("messageID", messageID: "id@example.com\r\nBcc: v@example.com"),
        Injection("origin", builder: MailBuilder(messageIDDomain: "mail.example.com", origin: "mb\r\nBcc: v@example.com")),
        Injection("messageIDDomain", messageID: nil, builder: MailBuilder(messageIDDomain: "example.com\r\nBcc: v@example.com", origin: "mb")),
    ]

    @Test("CR or LF in any header-bearing field is refused, naming the field", arguments: injections)
    func lineBreaksRefused(_ injection: Injection) {
        #expect(injection.error() == MailBuildError(field: injection.field, problem: .containsLineBreak))
    }

    @Test("malformed addresses are refused with the reason")
    func malformedAddresses() {
        let cases: [(String, MailBuildError.Problem)] = [
            ("ada.example.com", .missingAtSign),
            ("@example.com", .missingAtSign),
            ("ada@", .missingAtSign),
            ("ada lovelace@example.com", .containsWhitespace),
            ("ada@exam\tple.com", .containsWhitespace),
            ("jürgen@example.de", .nonASCIILocalPart),
            ("juergen@bücher.de", .nonASCIIDomain),
            ("\"quoted\"@example.com", .invalidLocalPart),
            ("a..b@example.com", .invalidLocalPart),
            (".a@example.com", .invalidLocalPart),
            ("a@b@example.com", .invalidLocalPart),
            ("ada@example..com", .invalidDomain),
            ("ada@[192.0.2.1]", .invalidDomain),
            (String(repeating: "a", count: 65) + "@example.com", .tooLong(limit: 64)),
        ]
        for (address, problem) in cases {
            var mail = Kit.mail()
            mail.to = [MailAddress(address: "ok@example.com"), MailAddress(address: address)]
            #expect(Kit.buildError(mail) == MailBuildError(field: "to[1]", problem: problem), "\(address)")
        }
        var punycode = Kit.mail()
        punycode.to = [MailAddress(address: "o'neil+tag@xn--bcher-kva.de")]
        #expect(Kit.buildError(punycode) == nil)
    }

    @Test("extra headers must have valid names and may not replace the builder's own")
    func extraHeaderNames() {
        let cases: [(String, MailBuildError.Problem)] = [
            ("", .invalidHeaderName),
            ("X Bad", .invalidHeaderName),
            ("X:Bad", .invalidHeaderName),
            ("X-Ünicode", .invalidHeaderName),
            (String(repeating: "X", count: 77), .invalidHeaderName),
            ("subject", .reservedHeaderName),
            ("Message-Id", .reservedHeaderName),
            ("BCC", .reservedHeaderName),
            ("Content-Type", .reservedHeaderName),
            ("x-mailbridge-origin", .reservedHeaderName),
            ("Auto-Submitted", .reservedHeaderName),
        ]
        for (name, problem) in cases {
            var mail = Kit.mail()
            mail.extraHeaders = [OutboundHeader(name: name, value: "x")]
            #expect(Kit.buildError(mail) == MailBuildError(field: "extraHeaders[0].name", problem: problem), "\(name)")
        }
    }

    @Test("non-ASCII extra header values are encoded words; values too long for 998 are refused")
    func extraHeaderValues() throws {
        var mail = Kit.mail()
        mail.extraHeaders = [OutboundHeader(name: "X-Jira-Project", value: "Zahlungsverkehr für Händler")]
        #expect(
            Kit.field("X-Jira-Project", in: try Kit.build(mail)) == ["X-Jira-Project: =?utf-8?Q?Zahlungsverkehr_f=C3=BCr_H=C3=A4ndler?="])
        mail.extraHeaders = [OutboundHeader(name: "X-Long", value: String(repeating: "x", count: 990))]
        #expect(Kit.buildError(mail) == nil)  // "X-Long: " + 990 = 998
        mail.extraHeaders = [OutboundHeader(name: "X-Long", value: String(repeating: "x", count: 991))]
        #expect(Kit.buildError(mail) == MailBuildError(field: "extraHeaders[0].value", problem: .tooLong(limit: 998)))
    }

    @Test("parts are checked: inline parts need HTML and a Content-ID, content types and filenames must be sane")
    func partProblems() {
        var mail = Kit.mail()
        mail.inlineParts = [OutboundAttachment(filename: "logo.png", contentType: "image/png", contentID: "logo", data: [])]
        #expect(Kit.buildError(mail) == MailBuildError(field: "inlineParts", problem: .inlinePartsWithoutHTML))
        mail.htmlBody = "<img src=\"cid:logo\">"
        mail.inlineParts[0].contentID = nil
        #expect(Kit.buildError(mail) == MailBuildError(field: "inlineParts[0].contentID", problem: .missingContentID))
        mail.inlineParts = []
        for type in ["pdf", "application/", "application/p df", "text/plain; charset=\"ü\"", "/x"] {
            mail.attachments = [OutboundAttachment(filename: "a", contentType: type, data: [])]
            #expect(Kit.buildError(mail) == MailBuildError(field: "attachments[0].contentType", problem: .invalidContentType), "\(type)")
        }
        mail.attachments = [OutboundAttachment(filename: String(repeating: "ü", count: 128), contentType: "text/plain", data: [])]
        #expect(Kit.buildError(mail) == MailBuildError(field: "attachments[0].filename", problem: .tooLong(limit: 255)))
        mail.attachments = [OutboundAttachment(filename: "a.txt", contentType: "text/plain", contentID: "a b", data: [])]
        #expect(Kit.buildError(mail) == MailBuildError(field: "attachments[0].contentID", problem: .invalidIdentifier))
    }

    @Test("the builder's own settings are checked when used")
    func builderSettings() {
        let cases: [(MailBuilder, String?, MailBuildError)] = [
            (MailBuilder(messageIDDomain: "mail.example.com", origin: " "), Kit.messageID, MailBuildError(field: "origin", problem: .invalidIdentifier)),
            (MailBuilder(messageIDDomain: "mail.example.com", origin: "prod-ü"), Kit.messageID, MailBuildError(field: "origin", problem: .nonASCII)),
            (MailBuilder(messageIDDomain: "bücher.example", origin: "mb"), nil, MailBuildError(field: "messageIDDomain", problem: .nonASCIIDomain)),
            (MailBuilder(messageIDDomain: "", origin: "mb"), nil, MailBuildError(field: "messageIDDomain", problem: .invalidDomain)),
            (Kit.builder, "", MailBuildError(field: "messageID", problem: .invalidIdentifier)),
            (Kit.builder, "a b@example.com", MailBuildError(field: "messageID", problem: .invalidIdentifier)),
        ]
        for (builder, messageID, expected) in cases {
            #expect(Kit.buildError(Kit.mail(), builder: builder, messageID: messageID) == expected)
        }
        // A given Message-ID does not need the domain setting.
        #expect(Kit.buildError(Kit.mail(), builder: MailBuilder(messageIDDomain: "", origin: "mb")) == nil)
    }

    @Test("error descriptions name the field and the problem, never the value")
    func errorDescription() {
        var mail = Kit.mail()
        mail.to = [MailAddress(address: "secret.person@bücher.de")]
        let error = Kit.buildError(mail)
        #expect(error?.description == "to[0] has a non-ASCII domain; give IDN domains in punycode (xn--…)")
        #expect(MailBuildError(field: "subject", problem: .containsLineBreak).description == "subject contains a line break (CR or LF)")
    }
}

@Suite("MailBuilder bodies")
struct MailBuilderBodyTests {
    typealias Kit = MailBuilderKit

    /// The body of a single-part mail built from `text`.
    func textBody(_ text: String) throws -> (encoding: [String], body: String) {
        let message = try Kit.build(Kit.mail(text: text))
        return (Kit.field("Content-Transfer-Encoding", in: message), Kit.body(message))
    }

    @Test("ASCII text is 7bit with CRLF line endings, whatever endings it came with")
    func sevenBit() throws {
        let result = try textBody("one\ntwo\r\nthree\rfour")
        #expect(result.encoding == ["Content-Transfer-Encoding: 7bit"])
        #expect(result.body == "one\r\ntwo\r\nthree\r\nfour\r\n")
        #expect(try textBody("").body == "")
        #expect(try textBody("=_ equals are fine in 7bit").body == "=_ equals are fine in 7bit\r\n")
    }

    @Test("quoted-printable: = escaped, soft breaks at 76 that never split an escape, exact line fits")
    func quotedPrintable() throws {
        let text = [
            "Grüße, a=b",
            String(repeating: "x", count: 75) + "é",
            String(repeating: "y", count: 76),
            String(repeating: "z", count: 77),
            String(repeating: "w", count: 74) + "=end",
        ].joined(separator: "\n")
        let result = try textBody(text)
        #expect(result.encoding == ["Content-Transfer-Encoding: quoted-printable"])
        #expect(
            result.body == [
                "Gr=C3=BC=C3=9Fe, a=3Db",
                String(repeating: "x", count: 75) + "=",
                "=C3=A9",
                String(repeating: "y", count: 76),
                String(repeating: "z", count: 75) + "=",
                "zz",
                String(repeating: "w", count: 74) + "=",
                "=3Dend",
                "",
            ].joined(separator: "\r\n"))
        #expect(result.body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
    }

    @Test("trailing spaces and tabs are escaped at line ends only; they force quoted-printable even in ASCII")
    func trailingWhitespace() throws {
        let result = try textBody("trailing space \nand tab\t\nin the middle is fine \t ok\n" + String(repeating: "v", count: 74) + " tail")
        #expect(result.encoding == ["Content-Transfer-Encoding: quoted-printable"])
        #expect(
            result.body == [
                "trailing space=20",
                "and tab=09",
                "in the middle is fine \t ok",
                String(repeating: "v", count: 74) + " =",
                "tail",
                "",
            ].joined(separator: "\r\n"))
    }

    @Test("mostly non-ASCII text is base64 in 76-character lines")
    func base64Text() throws {
        let text = String(repeating: "日本語のテキスト", count: 20)
        let result = try textBody(text)
        #expect(result.encoding == ["Content-Transfer-Encoding: base64"])
        let lines = result.body.components(separatedBy: "\r\n")
        #expect(lines.last == "")
        #expect(lines.dropLast(2).allSatisfy { $0.utf8.count == 76 })
        #expect(lines.dropLast().last!.utf8.count <= 76)
        let decoded = Data(base64Encoded: lines.joined())
        #expect(decoded.map { String(decoding: $0, as: UTF8.self) } == text + "\r\n")
    }

    @Test("every line of a complex mail ends in CRLF, and no line exceeds 998 (headers 78)")
    func crlfEverywhere() throws {
        var mail = Kit.mail(subject: "Grüße 🎉 " + String(repeating: "lang ", count: 40), text: "a\nb\rc\r\n\nü\n", html: "<p>\r\nx\n</p>\r")
        mail.inlineParts = [OutboundAttachment(filename: "logo.png", contentType: "image/png", contentID: "logo", data: Array("\n\r\n\r".utf8))]
        mail.attachments = [OutboundAttachment(filename: "data.bin", contentType: "application/octet-stream", data: (0..<1000).map { UInt8($0 % 256) })]
        mail.threading = MailThreading(rootMessageID: "root@example.com", references: (1...20).map { "ref\($0)@example.com" })
        let bytes = try Kit.builder.build(mail, date: Kit.date).bytes
        #expect(Kit.onlyCRLF(bytes))
        #expect(bytes.allSatisfy { $0 < 0x80 })
        let message = String(decoding: bytes, as: UTF8.self)
        #expect(message.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(Kit.headerSection(message).components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }
}

@Suite("MailBuilder structure")
struct MailBuilderStructureTests {
    typealias Kit = MailBuilderKit

    static let logo = OutboundAttachment(filename: "logo.png", contentType: "image/png", contentID: "logo@jira", data: [0x89, 0x50, 0x4E, 0x47])
    static let report = OutboundAttachment(filename: "report.csv", contentType: "text/csv; charset=utf-8", data: Array("a,b\n".utf8))

    /// Everything after `MIME-Version` up to the end, boundaries normalized.
    func structure(_ mail: OutboundMail) throws -> String {
        let message = Kit.normalizingBoundaries(try Kit.build(mail))
        let start = message.range(of: "X-Mailbridge-Origin: mailbridge-test\r\n")!.upperBound
        return String(message[start...])
    }

    @Test("HTML only is a single text/html part")
    func htmlOnly() throws {
        #expect(
            try structure(Kit.mail(text: nil, html: "<p>Hi</p>")) == """
                Content-Type: text/html; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r
                <p>Hi</p>\r

                """)
    }

    @Test("no body at all is an empty text/plain part")
    func noBody() throws {
        #expect(
            try structure(Kit.mail(text: nil)) == """
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r

                """)
    }

    @Test("text and HTML are multipart/alternative, plain first")
    func alternative() throws {
        #expect(
            try structure(Kit.mail(text: "Hi", html: "<p>Hi</p>")) == """
                Content-Type: multipart/alternative; boundary="B1"\r
                \r
                --B1\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r
                Hi\r
                \r
                --B1\r
                Content-Type: text/html; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r
                <p>Hi</p>\r
                \r
                --B1--\r

                """)
    }

    @Test("HTML with inline images is multipart/related inside the alternative")
    func related() throws {
        var mail = Kit.mail(text: "Hi", html: "<img src=\"cid:logo@jira\">")
        mail.inlineParts = [Self.logo]
        #expect(
            try structure(mail) == """
                Content-Type: multipart/alternative; boundary="B1"\r
                \r
                --B1\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r
                Hi\r
                \r
                --B1\r
                Content-Type: multipart/related; type="text/html";\r
                 boundary="B2"\r
                \r
                --B2\r
                Content-Type: text/html; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r
                <img src="cid:logo@jira">\r
                \r
                --B2\r
                Content-Type: image/png; name="logo.png"\r
                Content-Transfer-Encoding: base64\r
                Content-Disposition: inline; filename="logo.png"\r
                Content-ID: <logo@jira>\r
                \r
                iVBORw==\r
                \r
                --B2--\r
                \r
                --B1--\r

                """)
    }

    @Test("HTML only with inline images is multipart/related at the top")
    func relatedWithoutText() throws {
        var mail = Kit.mail(text: nil, html: "<img src=\"cid:logo@jira\">")
        mail.inlineParts = [Self.logo]
        let structure = try structure(mail)
        #expect(structure.hasPrefix("Content-Type: multipart/related; type=\"text/html\";\r\n boundary=\"B1\"\r\n\r\n--B1\r\nContent-Type: text/html;"))
        #expect(structure.hasSuffix("iVBORw==\r\n\r\n--B1--\r\n"))
    }

    @Test("attachments are multipart/mixed around the body")
    func mixed() throws {
        var mail = Kit.mail(text: "See attached.")
        mail.attachments = [Self.report]
        #expect(
            try structure(mail) == """
                Content-Type: multipart/mixed; boundary="B1"\r
                \r
                --B1\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                \r
                See attached.\r
                \r
                --B1\r
                Content-Type: text/csv; charset=utf-8; name="report.csv"\r
                Content-Transfer-Encoding: base64\r
                Content-Disposition: attachment; filename="report.csv"\r
                \r
                YSxiCg==\r
                \r
                --B1--\r

                """)
    }

    @Test("everything at once: mixed ⊃ alternative ⊃ related, in that order")
    func everything() throws {
        var mail = Kit.mail(text: "Hi", html: "<img src=\"cid:logo@jira\">")
        mail.inlineParts = [Self.logo]
        mail.attachments = [Self.report, OutboundAttachment(filename: "", contentType: "application/octet-stream", data: [0])]
        let structure = try structure(mail)
        let contentTypes = structure.components(separatedBy: "\r\n").filter { $0.hasPrefix("Content-Type:") }
        #expect(
            contentTypes == [
                "Content-Type: multipart/mixed; boundary=\"B1\"",
                "Content-Type: multipart/alternative; boundary=\"B2\"",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Type: multipart/related; type=\"text/html\";",
                "Content-Type: text/html; charset=utf-8",
                "Content-Type: image/png; name=\"logo.png\"",
                "Content-Type: text/csv; charset=utf-8; name=\"report.csv\"",
                "Content-Type: application/octet-stream",
            ])
        #expect(structure.contains("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\nAA==\r\n"))
        #expect(structure.hasSuffix("--B3--\r\n\r\n--B2--\r\n\r\n--B1\r\nContent-Type: text/csv; charset=utf-8; name=\"report.csv\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"report.csv\"\r\n\r\nYSxiCg==\r\n\r\n--B1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment\r\n\r\nAA==\r\n\r\n--B1--\r\n"))
    }

    @Test("non-ASCII filenames are RFC 2231 filename*, with an ASCII fallback as the Content-Type name")
    func nonASCIIFilename() throws {
        var mail = Kit.mail()
        mail.attachments = [OutboundAttachment(filename: "Bericht für März \"final\".pdf", contentType: "application/pdf", data: [])]
        let message = try Kit.build(mail)
        let part = message.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Content-Type: application/pdf") }.prefix(4)
        #expect(
            Array(part) == [
                "Content-Type: application/pdf; name=\"Bericht f_r M_rz _final_.pdf\"",
                "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment;",
                " filename*=utf-8''Bericht%20f%C3%BCr%20M%C3%A4rz%20%22final%22.pdf",
            ])
    }

    @Test("attachment data in base64: 76-character lines, byte for byte")
    func attachmentBase64() throws {
        let data = (0..<1000).map { UInt8(($0 * 7) % 256) }
        var mail = Kit.mail()
        mail.attachments = [OutboundAttachment(filename: "d.bin", contentType: "application/octet-stream", data: data)]
        let message = Kit.normalizingBoundaries(try Kit.build(mail))
        let start = message.range(of: "filename=\"d.bin\"\r\n\r\n")!.upperBound
        let end = message.range(of: "\r\n\r\n--B1--")!.lowerBound
        let lines = message[start..<end].components(separatedBy: "\r\n")
        #expect(lines.count == 18)
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 })
        #expect(lines.last?.utf8.count == 44)  // 1000 bytes → 1336 characters = 17 × 76 + 44
        #expect(Data(base64Encoded: lines.joined()).map(Array.init) == data)
    }

    @Test("boundaries are random and never occur in the content")
    func boundaries() throws {
        let message = try Kit.build(Kit.mail(text: "Hi", html: "<p>Hi</p>"))
        let boundary = try #require(message.firstMatch(of: /boundary="(=_[A-Za-z0-9]{28})"/)?.1)
        #expect(message.components(separatedBy: String(boundary)).count == 5)  // parameter, 2 delimiters, close
        let other = try Kit.build(Kit.mail(text: "Hi", html: "<p>Hi</p>"))
        #expect(!other.contains(String(boundary)))
    }
}

@Suite("MailBuilder threading")
struct MailBuilderThreadingTests {
    typealias Kit = MailBuilderKit

    @Test("the root id for an issue is stable, readable and distinct per tenant")
    func rootIDs() {
        let first = MailThreading.forIssue("ABC-12", tenantID: "tenant-1", domain: "mail.example.com")
        #expect(first == MailThreading.forIssue("ABC-12", tenantID: "tenant-1", domain: "mail.example.com"))
        #expect(first.rootMessageID == "jira.abc-12.c2efb128e3ebf08b@mail.example.com")
        #expect(first.references == [])
        let otherTenant = MailThreading.forIssue("ABC-12", tenantID: "tenant-2", domain: "mail.example.com")
        #expect(otherTenant.rootMessageID != first.rootMessageID)
        #expect(otherTenant.rootMessageID.hasPrefix("jira.abc-12."))
        #expect(!first.rootMessageID.contains("tenant"))
        #expect(MailThreading.forIssue("AB.C 1", tenantID: "", domain: "d.example").rootMessageID == "jira.ab=2ec=201.cbf29ce484222325@d.example")
    }

    @Test("In-Reply-To cites the root, References lists older ids then the root, across builds")
    func headers() throws {
        var mail = Kit.mail()
        mail.threading = MailThreading.forIssue("ABC-12", tenantID: "tenant-1", domain: "mail.example.com")
        mail.threading?.references = ["<CAF=inbound+1@mail.gmail.com>"]
        let first = try Kit.build(mail, messageID: nil)
        let second = try Kit.build(mail, messageID: nil)
        for message in [first, second] {
            #expect(Kit.field("In-Reply-To", in: message) == ["In-Reply-To: <jira.abc-12.c2efb128e3ebf08b@mail.example.com>"])
            #expect(
                Kit.field("References", in: message) == [
                    "References: <CAF=inbound+1@mail.gmail.com>", " <jira.abc-12.c2efb128e3ebf08b@mail.example.com>",
                ])
        }
        let headers = Kit.headerSection(first).components(separatedBy: "\r\n").map { $0.prefix { $0 != ":" } }
        #expect(headers.filter { !$0.hasPrefix(" ") } == [
            "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "In-Reply-To", "References", "Auto-Submitted",
            "X-Auto-Response-Suppress", "X-Mailbridge-Origin", "Content-Type", "Content-Transfer-Encoding",
        ])
    }

    @Test("the mail that is the root cites only the older ids, never itself")
    func rootMail() throws {
        var mail = Kit.mail()
        let root = MailThreading.forIssue("ABC-12", tenantID: "tenant-1", domain: "mail.example.com")
        mail.threading = root
        let alone = try Kit.build(mail, messageID: root.rootMessageID)
        #expect(Kit.field("In-Reply-To", in: alone) == [])
        #expect(Kit.field("References", in: alone) == [])
        mail.threading?.references = ["inbound@example.org", "inbound@example.org", root.rootMessageID]
        let answering = try Kit.build(mail, messageID: root.rootMessageID)
        #expect(Kit.field("In-Reply-To", in: answering) == ["In-Reply-To: <inbound@example.org>"])
        #expect(Kit.field("References", in: answering) == ["References: <inbound@example.org>"])
    }
}
