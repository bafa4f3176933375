import Foundation
import Mail
import TestSupport
import Testing

/// Python's `email` package (policy.default) as an independent judge: built mails must decode to
/// exactly what went in, without defects. Skipped when `python3` is not installed.
enum PythonMailReader {
    /// What Python read from a message.
    struct Reading: Decodable {
        struct Part: Decodable, Equatable {
            var type: String
            var disposition: String?
            var filename: String?
            var contentID: String?
            var text: String?
            var base64: String?
        }

        var headers: [[String]]
        var from: [[String]]?
        var to: [[String]]?
        var cc: [[String]]?
        var replyTo: [[String]]?
        var defects: [String]
        var parts: [Part]

        /// The decoded value of the first header with this name.
        func header(_ name: String) -> String? {
            headers.first { $0[0].lowercased() == name.lowercased() }?[1]
        }
    }

    static let script = #"""
        import sys, json, base64, email, email.policy
        m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        defects = []
        parts = []
        def addresses(name):
            h = m[name]
            return None if h is None else [[a.display_name, a.addr_spec] for a in h.addresses]
        for p in m.walk():
            defects += [type(d).__name__ for d in p.defects]
            for k, v in p.items():
                defects += [type(d).__name__ + " in " + k for d in getattr(v, "defects", [])]
            if p.is_multipart():
                parts.append({"type": p.get_content_type()})
                continue
            entry = {"type": p.get_content_type(), "disposition": p.get_content_disposition(),
                     "filename": p.get_filename(), "contentID": None if p["content-id"] is None else str(p["content-id"])}
            content = p.get_content()
            if isinstance(content, str):
                entry["text"] = content
            else:
                entry["base64"] = base64.b64encode(content).decode()
            parts.append(entry)
        print(json.dumps({"headers": [[k, str(v)] for k, v in m.items()], "from": addresses("from"),
                          "to": addresses("to"), "cc": addresses("cc"), "replyTo": addresses("reply-to"),
                          "defects": defects, "parts": parts}))
        """#

    /// Whether `python3` with the email package runs here; checked once.
    static var isAvailable: Bool {
        get async { await availability.value }
    }

    private static let availability = Task {
        (try? await run(["-c", "import email.policy"], input: []))?.status == 0
    }

    /// Runs `python3` with `arguments` and `input` on its standard input, without blocking the
    /// cooperative pool.
    static func run(_ arguments: [String], input: [UInt8]) async throws -> ProcessRunner.Result {
        try await ProcessRunner.run(["python3"] + arguments, input: Data(input))
    }

    static func read(_ bytes: [UInt8]) async throws -> Reading {
        let result = try await run(["-c", script], input: bytes)
        try #require(result.status == 0, "python3 failed to read the message")
        return try JSONDecoder().decode(Reading.self, from: result.output)
    }
}

@Suite(
    "MailBuilder read back by Python's email package",
    .enabled("python3 with the email package is not installed; skipping the Python checks") { await PythonMailReader.isAvailable }
)
struct MailBuilderPythonCheckTests {
    typealias Kit = MailBuilderKit

    static let sampleSubjects = [
        "[ABC-12] Build failed",
        "Re: Änderung am Ticket",
        "Deploy 🎉 done",
        "日本語の件名",
        String(repeating: "Überprüfung der Änderungen ", count: 11) + "END",
        String(repeating: "🎉", count: 60),
        String(repeating: "aé🎉漢 ", count: 30) + "x",
        "[ABC-12] The nightly build of the payment service failed again on the integration  stage",
        "=?utf-8?Q?not_an_encoded_word?=",
        " leading and trailing spaces ",
        "tab\tinside",
        "https://jira.example.com/browse/ABC-12?focusedCommentId=100&page=com.atlassian.jira.plugin.system",
        "",
    ]

    @Test("subjects decode to exactly what was given", arguments: sampleSubjects)
    func subjects(_ subject: String) async throws {
        let reading = try await PythonMailReader.read(Array(try Kit.build(Kit.mail(subject: subject)).utf8))
        #expect(reading.header("Subject") == subject)
        #expect(reading.defects == [])
    }

    @Test("display names and addresses decode to exactly what was given")
    func addresses() async throws {
        var mail = Kit.mail()
        mail.from = MailAddress(displayName: "Lovelace, Ada (Jira)", address: "jira@example.com")
        mail.to = [
            MailAddress(displayName: "Say \"hi\" \\o/", address: "a@example.com"),
            MailAddress(displayName: "Jürgen Groß", address: "j@example.de"),
            MailAddress(address: "plain@example.com"),
            MailAddress(displayName: "O'Brien", address: "o.brien+tag@example.com"),
            MailAddress(displayName: "=?utf-8?Q?fake?=", address: "fake@example.com"),
            // Fits one encoded word, so it moves to a fresh line rather than being split: Python
            // before gh-128110 (and other decoders) join split display-name words with a space.
            MailAddress(displayName: "佐藤 花子（経理部）", address: "hanako@example.jp"),
        ]
        mail.cc = (1...8).map { MailAddress(displayName: "Person \($0)", address: "person.\($0)@example.com") }
        mail.replyTo = [MailAddress(displayName: "Jira — Antworten", address: "reply+ABC-12@example.com")]
        let reading = try await PythonMailReader.read(Array(try Kit.build(mail).utf8))
        #expect(reading.from == [["Lovelace, Ada (Jira)", "jira@example.com"]])
        #expect(reading.to == mail.to.map { [$0.displayName ?? "", $0.address] })
        #expect(reading.cc == mail.cc.map { [$0.displayName ?? "", $0.address] })
        #expect(reading.replyTo == [["Jira — Antworten", "reply+ABC-12@example.com"]])
        #expect(reading.defects == [])
    }

    @Test("text and HTML bodies decode to the text given, with CRLF line endings, in 7bit, quoted-printable and base64")
    func bodies() async throws {
        let texts = [
            "plain ASCII\nsecond line",
            "Grüße, a=b\n" + String(repeating: "x", count: 75) + "é\ntrailing space \ntab\t\n" + String(repeating: "w", count: 74) + "=end",
            String(repeating: "日本語のテキスト\n", count: 20),
            "no newline at the end =",
            "",
        ]
        for text in texts {
            let html = "<p>" + text + "</p>"
            let reading = try await PythonMailReader.read(Array(try Kit.build(Kit.mail(text: text, html: html)).utf8))
            // Python keeps the CRLF line endings; the builder ends non-empty text with one.
            let expected = { (value: String) in
                value.isEmpty ? "" : value.replacingOccurrences(of: "\n", with: "\r\n") + (value.hasSuffix("\n") ? "" : "\r\n")
            }
            #expect(reading.parts.map(\.type) == ["multipart/alternative", "text/plain", "text/html"])
            #expect(reading.parts[1].text == expected(text))
            #expect(reading.parts[2].text == expected(html))
            #expect(reading.defects == [])
        }
    }

    @Test("mixed line endings come out as CRLF only")
    func lineEndings() async throws {
        let reading = try await PythonMailReader.read(Array(try Kit.build(Kit.mail(text: "a\r\nb\rc\nd")).utf8))
        #expect(reading.parts.map(\.text) == ["a\r\nb\r\nc\r\nd\r\n"])
    }

    @Test("attachments and inline parts keep their bytes, filenames and Content-IDs")
    func files() async throws {
        let logo: [UInt8] = (0..<300).map { UInt8(($0 * 31) % 256) }
        let report = Array("name,value\nä,1\r\n=_boundary-looking=_\n".utf8)
        let binary: [UInt8] = (0..<5000).map { UInt8(($0 * 13 + 7) % 256) }
        var mail = Kit.mail(text: "See attached.", html: "<img src=\"cid:logo@jira\">")
        mail.inlineParts = [OutboundAttachment(filename: "logo.png", contentType: "image/png", contentID: "<logo@jira>", data: logo)]
        mail.attachments = [
            OutboundAttachment(filename: "Bericht für März \"final\".csv", contentType: "text/csv; charset=utf-8", data: report),
            OutboundAttachment(filename: "日本語の長いファイル名" + String(repeating: "あ", count: 40) + ".bin", contentType: "application/octet-stream", data: binary),
            OutboundAttachment(filename: "", contentType: "application/octet-stream", data: []),
        ]
        mail.threading = MailThreading.forIssue("ABC-12", tenantID: "tenant-1", domain: "mail.example.com")
        mail.threading?.references = ["inbound@example.org"]
        let bytes = try Kit.builder.build(mail, date: Kit.date, messageID: "fixed@mail.example.com").bytes
        let reading = try await PythonMailReader.read(bytes)
        #expect(
            reading.parts.map(\.type) == [
                "multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png", "text/csv",
                "application/octet-stream", "application/octet-stream",
            ])
        #expect(reading.parts[5].base64 == Data(logo).base64EncodedString())
        #expect(reading.parts[5].contentID == "<logo@jira>")
        #expect(reading.parts[5].disposition == "inline")
        #expect(reading.parts[5].filename == "logo.png")
        #expect(reading.parts[6].filename == "Bericht für März \"final\".csv")
        #expect(reading.parts[6].disposition == "attachment")
        #expect(reading.parts[6].text == "name,value\nä,1\r\n=_boundary-looking=_\n")  // attachments are sent byte for byte
        #expect(reading.parts[7].filename == mail.attachments[1].filename)
        #expect(reading.parts[7].base64 == Data(binary).base64EncodedString())
        #expect(reading.parts[8].filename == nil)
        #expect(reading.parts[8].base64 == "")
        #expect(reading.header("Message-ID") == "<fixed@mail.example.com>")
        #expect(reading.header("In-Reply-To") == "<jira.abc-12.c2efb128e3ebf08b@mail.example.com>")
        #expect(reading.header("References") == "<inbound@example.org> <jira.abc-12.c2efb128e3ebf08b@mail.example.com>")
        #expect(reading.header("Date") == "Tue, 14 Nov 2023 22:13:20 +0000")
        #expect(reading.header("X-Mailbridge-Origin") == "mailbridge-test")
        #expect(reading.defects == [])
    }

    @Test("non-ASCII extra header values decode to what was given")
    func extraHeaders() async throws {
        var mail = Kit.mail()
        mail.extraHeaders = [
            OutboundHeader(name: "X-Jira-Project", value: "Zahlungsverkehr für Händler"),
            OutboundHeader(name: "X-Jira-Summary", value: String(repeating: "Straße ", count: 30) + "Ende"),
        ]
        let reading = try await PythonMailReader.read(Array(try Kit.build(mail).utf8))
        #expect(reading.header("X-Jira-Project") == "Zahlungsverkehr für Händler")
        #expect(reading.header("X-Jira-Summary") == String(repeating: "Straße ", count: 30) + "Ende")
        #expect(reading.defects == [])
    }
}
