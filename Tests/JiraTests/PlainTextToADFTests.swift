import Jira
import Testing

@Suite("Plain text to ADF")
struct PlainTextToADFTests {
    @Test("blank lines make paragraphs; single line ends are hard breaks")
    func paragraphs() {
        let document = ADFDocument(plainText: "Hi team,\r\n\r\nthe printer\non floor 3   \n \t\njams.\n\n\n")
        #expect(document.content == [
            .paragraph([.text("Hi team,")]),
            .paragraph([.text("the printer"), .hardBreak, .text("on floor 3")]),
            .paragraph([.text("jams.")]),
        ])
    }

    @Test("URLs become links; trailing punctuation and unbalanced brackets stay outside")
    func links() {
        let document = ADFDocument(plainText: "See https://example.com/a?b=1&c=2. Or (http://e.com/x_(y)) or <mailto:help@example.com>, HTTPS://UP.example/")
        #expect(document.content == [.paragraph([
            .text("See "),
            .text("https://example.com/a?b=1&c=2", marks: [.link("https://example.com/a?b=1&c=2")]),
            .text(". Or ("),
            .text("http://e.com/x_(y)", marks: [.link("http://e.com/x_(y)")]),
            .text(") or <"),
            .text("mailto:help@example.com", marks: [.link("mailto:help@example.com")]),
            .text(">, "),
            .text("HTTPS://UP.example/", marks: [.link("HTTPS://UP.example/")]),
        ])])
    }

    @Test("no link inside words or for a bare scheme; control characters are dropped")
    func noLinks() {
        let document = ADFDocument(plainText: "xhttps://a.b http:// ftp://x.y a\u{0}b\u{1B}c\td")
        #expect(document.content == [.paragraph([.text("xhttps://a.b http:// ftp://x.y abc\td")])])
        #expect(ADFDocument(plainText: " \n\n ").content.isEmpty)
        #expect(ADFDocument(plainText: "").isEmpty)
    }

    @Test("the JSON Jira receives")
    func json() throws {
        let document = ADFDocument(plainText: "a\nb https://x.y")
        let expected: JSONValue = [
            "version": 1, "type": "doc",
            "content": [["type": "paragraph", "content": [
                ["type": "text", "text": "a"], ["type": "hardBreak"], ["type": "text", "text": "b "],
                ["type": "text", "text": "https://x.y", "marks": [["type": "link", "attrs": ["href": "https://x.y"]]]],
            ]]],
        ]
        #expect(document.json == expected)
    }
}
