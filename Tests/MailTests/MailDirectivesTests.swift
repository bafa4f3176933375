import Foundation
import Mail
import Testing

@Suite("Mail directives")
struct MailDirectivesTests {
    // MARK: Bodies

    @Test("directive lines are taken out in order; keys are lowercased, values trimmed")
    func bodyDirectives() {
        let body = """
        Hello,

        @Priority=High
          @assignee=ada@example.com\u{0020}\u{0020}
        @labels=vpn network
        @summary=Query a=b
        @component.name_v2-x=

        the VPN is down.
        """
        let result = MailDirectives.extract(fromBody: body)
        #expect(result.directives == [
            MailDirective(key: "priority", value: "High"),
            MailDirective(key: "assignee", value: "ada@example.com"),
            MailDirective(key: "labels", value: "vpn network"),
            MailDirective(key: "summary", value: "Query a=b"),
            MailDirective(key: "component.name_v2-x", value: ""),
        ])
        #expect(result.text == "Hello,\n\nthe VPN is down.")
    }

    @Test("addresses, mentions, quoted lines and lines with more text are not directives")
    func bodyNonDirectives() {
        let body = "Write to ada@example.com=yes\n@here please look\n> @priority=low\n@=x\n@key value=1\nnote @a=b\n@\u{00E9}t\u{00E9}=x\n"
        let result = MailDirectives.extract(fromBody: body)
        #expect(result.directives.isEmpty)
        #expect(result.text == body)
    }

    @Test("directives at the start and end leave no blank edges; CRLF lines keep their ends")
    func bodyEdges() {
        #expect(MailDirectives.extract(fromBody: "@a=1\n@b=2\n\nText\n\n@c=3\n").text == "Text")
        let crlf = MailDirectives.extract(fromBody: "Line one\r\n@Type=Bug\r\nLine two\r\n")
        #expect(crlf.directives == [MailDirective(key: "type", value: "Bug")])
        #expect(crlf.text == "Line one\r\nLine two\r\n")
        #expect(MailDirectives.extract(fromBody: "") == ([], ""))
    }

    @Test("a body that is only directives leaves empty text")
    func onlyDirectives() {
        let result = MailDirectives.extract(fromBody: "@status=Done")
        #expect(result.directives == [MailDirective(key: "status", value: "Done")])
        #expect(result.text == "")
    }

    // MARK: Subjects

    @Test("subject tokens: plain and quoted values, any position, spaces collapsed")
    func subjectDirectives() {
        let result = MailDirectives.extract(fromSubject: "  Printer broken #Priority=High   #component=\"Floor 3 printers\" again #x=  ")
        #expect(result.directives == [
            MailDirective(key: "priority", value: "High"),
            MailDirective(key: "component", value: "Floor 3 printers"),
            MailDirective(key: "x", value: ""),
        ])
        #expect(result.subject == "Printer broken again")
    }

    @Test("issue references, hashtags and # inside words stay in the subject")
    func subjectNonDirectives() {
        let subject = "Re: #123 C#=fast #tag a#b=c #=x"
        #expect(MailDirectives.extract(fromSubject: subject) == ([], subject))
        #expect(MailDirectives.extract(fromSubject: "Re:   [JIRA-1]\t hi ") == ([], "Re: [JIRA-1] hi"))
    }

    @Test("an unclosed quoted value runs to the end; = may appear in a value")
    func subjectEdgeCases() {
        let unclosed = MailDirectives.extract(fromSubject: "Hi #summary=\"rest of it")
        #expect(unclosed.directives == [MailDirective(key: "summary", value: "rest of it")])
        #expect(unclosed.subject == "Hi")
        let equals = MailDirectives.extract(fromSubject: "#q=a=b tail")
        #expect(equals.directives == [MailDirective(key: "q", value: "a=b")])
        #expect(equals.subject == "tail")
    }

    @Test("directives encode as key and value")
    func codable() throws {
        let data = try JSONEncoder().encode(MailDirective(key: "priority", value: "High"))
        #expect(try JSONDecoder().decode(MailDirective.self, from: data) == MailDirective(key: "priority", value: "High"))
    }

    @Test("long inputs finish with the expected result")
    func longInputs() {
        let lines = String(repeating: "@k=v\n", count: 100_000)
        let body = MailDirectives.extract(fromBody: lines)
        #expect(body.directives.count == 100_000)
        #expect(body.text == "")
        let hashes = String(repeating: "#", count: 200_000)
        #expect(MailDirectives.extract(fromSubject: hashes) == ([], hashes))
        let tokens = String(repeating: "#a=1 ", count: 50_000)
        #expect(MailDirectives.extract(fromSubject: tokens).directives.count == 50_000)
    }
}
