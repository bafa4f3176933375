import Foundation
import Mail
import Testing

@Suite("Mail headers")
struct HeaderParsingTests {
    @Test("folded fields are unfolded; whitespace before the colon is accepted; duplicates are kept in order")
    func foldingObsoleteSyntaxAndDuplicates() {
        let mail = parse("""
            Subject: a long subject
             that was folded
            \tover three lines
            X-Tag : first
            X-Tag: second
            From: a@example.com

            body
            """)
        #expect(mail.subject == "a long subject that was folded over three lines")
        #expect(mail.headers.all("x-tag").map(\.text) == ["first", "second"])
        #expect(mail.headers.raw("X-TAG") == "first")
        #expect(mail.textBody == "body")
        #expect(mail.problems.isEmpty)
    }

    @Test("a message with no headers at all, or no blank line, still parses")
    func missingHeaders() {
        let bodyOnly = MailParser().parse(Array("just text, no headers\r\nsecond line".utf8))
        #expect(bodyOnly.subject == nil)
        #expect(bodyOnly.from.isEmpty)
        #expect(bodyOnly.textBody == "just text, no headers\nsecond line")
        #expect(bodyOnly.problems.map(\.kind) == [.missingHeaderBodySeparator])

        let headersOnly = parse("Subject: only headers\nFrom: a@example.com")
        #expect(headersOnly.subject == "only headers")
        #expect(headersOnly.textBody == "")
    }

    @Test("8-bit bytes in headers: UTF-8 is read as UTF-8, anything else as Windows-1252, and reported")
    func eightBitHeaders() {
        var bytes = Array("Subject: Gr\u{00FC}\u{00DF}e aus K\u{00F6}ln\r\nFrom: =?utf-8?q?J=C3=BCrgen?= <j@example.de>\r\n".utf8)
        bytes += Array("X-Latin: caf".utf8) + [0xE9] + Array("\r\n\r\nbody".utf8)
        let mail = MailParser().parse(bytes)
        #expect(mail.subject == "Grüße aus Köln")
        #expect(mail.from == [MailAddress(displayName: "Jürgen", address: "j@example.de")])
        #expect(mail.headers.first("X-Latin")?.text == "café")
    }

    @Test("an mbox From_ line before the headers is skipped")
    func mboxFromLine() {
        let mail = parse("From someone@example.com Mon Jan  1 00:00:00 2024\nSubject: hi\n\nbody")
        #expect(mail.subject == "hi")
        #expect(mail.problems.isEmpty)
    }

    @Test("RFC 2047: B and Q words, adjacent words joined, a character split across words, lowercase and glued words")
    func encodedWords() {
        #expect(EncodedWords.decode("=?UTF-8?B?SGVsbG8gV29ybGQ=?=").text == "Hello World")
        #expect(EncodedWords.decode("=?iso-8859-1?q?caf=E9_cr=E8me?=").text == "café crème")
        #expect(EncodedWords.decode("=?utf-8?q?a?= =?utf-8?q?b?=  c").text == "ab  c")
        // "é" (C3 A9) split across two words.
        #expect(EncodedWords.decode("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=").text == "café")
        #expect(EncodedWords.decode("Re:=?utf-8?B?w6k=?=!").text == "Re:é!")
        #expect(EncodedWords.decode("=?utf-8*en?q?hello?=").text == "hello")
        #expect(EncodedWords.decode("=?utf-8?b?w6k?=").text == "é", "missing padding")
        #expect(EncodedWords.decode("=?utf-8?q?two words?=").text == "two words", "a space inside a Q word")
    }

    @Test("malformed encoded words are left as written")
    func malformedEncodedWords() {
        #expect(EncodedWords.decode("=?utf-8?x?abc?=").text == "=?utf-8?x?abc?=")
        #expect(EncodedWords.decode("=?utf-8?q?unterminated").text == "=?utf-8?q?unterminated")
        #expect(EncodedWords.decode("price =? 5").text == "price =? 5")
        #expect(EncodedWords.decode("=??q?x?=").text == "=??q?x?=")
    }

    @Test("encoded words in another charset are converted")
    func encodedWordsOtherCharsets() {
        #expect(EncodedWords.decode("=?koi8-r?b?8NLJ18XU?=").text == "Привет")
        #expect(EncodedWords.decode("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=").text == "こんにちは")
    }

    @Test("Message-ID lists: brackets stripped, comments skipped, bare ids accepted")
    func messageIDs() {
        let mail = parse("""
            Message-ID: <abc@example.com>
            In-Reply-To: <parent@example.com> (Ada's message of Monday)
            References: <root@example.com>
              <parent@example.com>

            x
            """)
        #expect(mail.messageID == "abc@example.com")
        #expect(mail.inReplyTo == ["parent@example.com"])
        #expect(mail.references == ["root@example.com", "parent@example.com"])
        #expect(MessageIDList.parse("bare@example.com") == ["bare@example.com"])
        #expect(MessageIDList.parse("") == [])
    }

    @Test("dates: with and without weekday, named zones, two-digit years, a comment")
    func dates() throws {
        let expected = Date(timeIntervalSince1970: 1_764_412_245)  // 2025-11-29T10:30:45Z
        #expect(MailDateParser.parse("Sat, 29 Nov 2025 10:30:45 +0000") == expected)
        #expect(MailDateParser.parse("29 Nov 2025 11:30:45 +0100") == expected)
        #expect(MailDateParser.parse("Sat, 29 Nov 25 05:30:45 EST") == expected)
        #expect(MailDateParser.parse("Sat, 29 Nov 2025 10:30:45 GMT (UTC)") == expected)
        #expect(MailDateParser.parse("yesterday") == nil)
        let mail = parse("Date: not a date\n\nx")
        #expect(mail.date == nil)
        #expect(mail.problems.map(\.kind) == [.malformedDate])
    }
}
