import Foundation
import Mail
import Testing

@Suite("MIME structure")
struct MIMEStructureTests {
    @Test("multipart/mixed with alternative inside: bodies chosen, attachment decoded, preamble and epilogue ignored")
    func nestedMultipart() throws {
        let mail = parse("""
            From: Ada <ada@example.com>
            Subject: report
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            This is the preamble; clients do not show it.
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Caf=C3=A9 at 10 =
            o'clock
            --inner
            Content-Type: text/html; charset=utf-8

            <p>Caf&eacute; at 10</p>
            --inner--
            --outer
            Content-Type: application/pdf; name="report.pdf"
            Content-Disposition: attachment; filename="report.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --outer--
            The epilogue.
            """)
        #expect(mail.textBody == "Café at 10 o'clock")
        #expect(mail.htmlBody == "<p>Caf&eacute; at 10</p>")
        #expect(mail.attachments.count == 1)
        let pdf = try #require(mail.attachments.first)
        #expect(pdf.filename == "report.pdf")
        #expect(pdf.contentType == "application/pdf")
        #expect(pdf.size == 9)
        #expect(pdf.part.decodedBody() == Array("%PDF-1.4\n".utf8))
        #expect(pdf.sha256 == "e5c62df5dab5c87b6a015ef3d43597074d1eec433b15f51aec63b8582d0e4ab4")
        #expect(mail.problems.isEmpty)
        #expect(mail.root.allParts().map(\.path) == ["", "1", "1.1", "1.2", "2"])
    }

    @Test("a boundary that is a prefix of the inner one does not split the inner part")
    func prefixBoundaries() {
        let mail = parse("""
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: multipart/alternative; boundary="b_1"

            --b_1
            Content-Type: text/plain

            plain
            --b_1--
            --b
            Content-Type: text/plain; name=notes.txt

            file
            --b--
            """)
        #expect(mail.textBody == "plain")
        #expect(mail.attachments.map(\.filename) == ["notes.txt"])
        #expect(mail.problems.isEmpty)
    }

    @Test("a missing close delimiter ends the last part at the end, and is reported")
    func unterminated() {
        let mail = parse("""
            Content-Type: multipart/mixed; boundary=x

            --x
            Content-Type: text/plain

            first
            --x
            Content-Type: text/plain; name=a.txt

            runs to the end
            """)
        #expect(mail.textBody == "first")
        #expect(mail.attachments.first?.part.decodedBody() == Array("runs to the end".utf8))
        #expect(mail.problems.map(\.kind) == [.unterminatedMultipart])
    }

    @Test("a declared boundary that never appears makes the body text; a missing boundary is guessed")
    func wrongAndMissingBoundaries() {
        let wrong = parse("""
            Content-Type: multipart/mixed; boundary=nothere

            --other
            Content-Type: text/plain

            hello
            --other--
            """)
        #expect(wrong.problems.map(\.kind) == [.boundaryNotFound])
        #expect(wrong.textBody?.contains("hello") == true)

        let missing = parse("""
            Content-Type: multipart/mixed

            --guessed
            Content-Type: text/plain

            hello
            --guessed
            Content-Type: text/plain; name=a.txt

            file
            --guessed--
            """)
        #expect(missing.problems.map(\.kind) == [.missingBoundary])
        #expect(missing.textBody == "hello")
        #expect(missing.attachments.map(\.filename) == ["a.txt"])
    }

    @Test("an embedded message/rfc822 is an .eml attachment and its own tree is parsed, also when base64-encoded")
    func embeddedMessage() throws {
        let inner = "Subject: the original\r\nFrom: b@example.com\r\n\r\noriginal text\r\n"
        let encoded = Data(inner.utf8).base64EncodedString()
        let mail = parse("""
            Content-Type: multipart/mixed; boundary=m

            --m
            Content-Type: text/plain

            see attached
            --m
            Content-Type: message/rfc822

            \(inner.replacingOccurrences(of: "\r\n", with: "\n"))
            --m
            Content-Type: message/rfc822
            Content-Transfer-Encoding: base64

            \(encoded)
            --m--
            """)
        #expect(mail.textBody == "see attached")
        #expect(mail.attachments.map(\.filename) == ["the original.eml", "the original.eml"])
        #expect(mail.attachments.map(\.contentType) == ["message/rfc822", "message/rfc822"])
        let nested = try #require(mail.attachments.last?.part.children.first)
        #expect(nested.headers.decoded("Subject") == "the original")
    }

    @Test("multipart/related: the HTML root is the body, inline images are attachments resolved by cid")
    func relatedWithContentIDs() throws {
        let mail = parse("""
            Content-Type: multipart/related; boundary=r; type="text/html"

            --r
            Content-Type: text/html; charset=utf-8

            <p>Logo: <img src="cid:logo@x"> and <img src="cid:missing@x"></p>
            --r
            Content-Type: image/png
            Content-ID: <logo@x>
            Content-Disposition: inline
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --r--
            """)
        #expect(mail.htmlBody?.hasPrefix("<p>Logo") == true)
        #expect(mail.textIsDerivedFromHTML)
        let logo = try #require(mail.attachments.first)
        #expect(logo.contentID == "logo@x")
        #expect(logo.isReferencedFromHTML)
        #expect(logo.isInline)
        #expect(logo.filename == "attachment-1.png")
        #expect(mail.unresolvedContentIDs == ["missing@x"])
        #expect(mail.problems.map(\.kind) == [.unresolvedContentID])
    }

    @Test("multipart/digest parts default to message/rfc822")
    func digest() {
        let mail = parse("""
            Content-Type: multipart/digest; boundary=d

            --d

            Subject: first

            one
            --d

            Subject: second

            two
            --d--
            """)
        #expect(mail.attachments.map(\.contentType) == ["message/rfc822", "message/rfc822"])
        #expect(mail.attachments.map(\.filename) == ["first.eml", "second.eml"])
    }

    @Test("nesting deeper than the bound is kept as data, not recursed into")
    func deepNesting() {
        var text = ""
        for level in 0..<60 { text += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        text += "Content-Type: text/plain\n\ndeep\n"
        let mail = parse(text)
        #expect(mail.problems.contains { $0.kind == .nestingTooDeep })
    }

    @Test("a part with a text/plain inline body and text attachments by filename")
    func textAttachmentByName() {
        let mail = parse("""
            Content-Type: multipart/mixed; boundary=z

            --z
            Content-Type: text/plain

            hello
            --z
            Content-Type: text/plain
            Content-Disposition: attachment

            log line
            --z
            Content-Type: text/plain

            second inline text
            --z--
            """)
        #expect(mail.textBody == "hello\n\nsecond inline text")
        #expect(mail.attachments.map(\.filename) == ["attachment-1.txt"])
    }
}
