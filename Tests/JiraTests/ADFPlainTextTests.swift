import Foundation
import Jira
import Testing

@Suite("ADF to plain text")
struct ADFPlainTextTests {
    @Test("what the converters write renders back to readable text")
    func roundTrip() {
        let html = """
        <p>Hello <b>World</b>, see <a href="https://x.y/docs">the docs</a> or <a href="https://x.y">https://x.y</a>.</p>\
        <ul><li>one<ul><li>nested<br>two lines</li></ul></li><li>two</li></ul><ol start="9"><li>nine</li><li>ten</li></ol>\
        <blockquote><p>quoted</p><p>more</p></blockquote><pre>code  kept\n  indented</pre><hr><h2>Title</h2>\
        <p>mail <a href="mailto:a@b.c">a@b.c</a></p>
        """
        #expect(ADFDocument(html: html).plainText == """
        Hello World, see the docs (https://x.y/docs) or https://x.y.

        - one
          - nested
            two lines
        - two

        9. nine
        10. ten

        > quoted
        >
        > more

        code  kept
          indented

        ---

        Title

        mail a@b.c
        """)
    }

    @Test("nodes Jira writes: mentions, emoji, cards, dates, statuses, tables, panels, media, tasks")
    func jiraNodes() throws {
        let json = """
        {"version":1,"type":"doc","content":[
          {"type":"paragraph","content":[
            {"type":"mention","attrs":{"id":"acc-1","text":"@Ada Lovelace"}},{"type":"text","text":" please check "},
            {"type":"emoji","attrs":{"shortName":":smile:","text":"😄"}},{"type":"text","text":" "},
            {"type":"inlineCard","attrs":{"url":"https://acme.atlassian.net/browse/ACME-1"}},{"type":"text","text":" by "},
            {"type":"date","attrs":{"timestamp":"1764288000000"}},{"type":"text","text":" "},
            {"type":"status","attrs":{"text":"IN PROGRESS","color":"blue"}}]},
          {"type":"panel","attrs":{"panelType":"info"},"content":[{"type":"paragraph","content":[{"type":"text","text":"Note"}]}]},
          {"type":"table","content":[
            {"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Key"}]}]},
                                          {"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Value"}]}]}]},
            {"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"Host"}]}]},
                                          {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"db1"}]}]}]}]},
          {"type":"mediaSingle","content":[{"type":"media","attrs":{"id":"m1","type":"file","collection":"c"}}]},
          {"type":"taskList","attrs":{"localId":"t"},"content":[
            {"type":"taskItem","attrs":{"localId":"1","state":"DONE"},"content":[{"type":"text","text":"done"}]},
            {"type":"taskItem","attrs":{"localId":"2","state":"TODO"},"content":[{"type":"text","text":"todo"}]}]},
          {"type":"somethingNew","content":[{"type":"text","text":"future"}]}
        ]}
        """
        let document = try JSONDecoder().decode(ADFDocument.self, from: Data(json.utf8))
        #expect(document.plainText == """
        @Ada Lovelace please check 😄 https://acme.atlassian.net/browse/ACME-1 by 2025-11-28 IN PROGRESS

        Note

        Key | Value
        Host | db1

        [x] done
        [ ] todo

        future
        """)
    }

    @Test("decoding keeps unknown attributes and marks, and encoding writes them back")
    func codable() throws {
        let json = ##"{"content":[{"content":[{"marks":[{"attrs":{"color":"#ff0000"},"type":"textColor"}],"text":"red","type":"text"}],"type":"paragraph"}],"type":"doc","version":1}"##
        let document = try JSONDecoder().decode(ADFDocument.self, from: Data(json.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try encoder.encode(document), as: UTF8.self) == json)
    }
}
