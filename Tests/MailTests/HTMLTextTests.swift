import Foundation
import Mail
import Testing

@Suite("Plain text from HTML")
struct HTMLTextTests {
    private func text(_ html: String) -> String { HTMLText.plainText(fromHTML: html) }

    @Test("paragraphs are set off by a blank line, br ends a line, inline tags join words")
    func paragraphsAndBreaks() {
        #expect(text("<p>Hello <b>World</b>,</p><p>second<br>line</p>") == "Hello World,\n\nsecond\nline")
        #expect(text("a<br><br><br><br>b") == "a\n\nb")
        #expect(text("<br><br>lead") == "lead")
    }

    @Test("Gmail's one-div-per-line body keeps its empty lines")
    func gmailDivs() {
        let html = """
        <div dir="ltr"><div>Hi team,</div><div><br></div><div>the printer on floor 3 is jammed again.</div>\
        <div><br></div><div>Thanks,</div><div>Ada</div></div>
        """
        #expect(text(html) == "Hi team,\n\nthe printer on floor 3 is jammed again.\n\nThanks,\nAda")
    }

    @Test("whitespace collapses as in a browser")
    func whitespace() {
        #expect(text("  one \n\t two   <span> three </span>\n") == "one two three")
        #expect(text("<div>\n  <p>\n    wrapped\n    source\n  </p>\n</div>") == "wrapped source")
    }

    @Test("pre keeps spaces and line feeds, dropping the first line feed")
    func preformatted() {
        let html = "<p>Log:</p><pre>\n$ make\n  cc -o a  a.c\n\nok</pre><p>done</p>"
        #expect(text(html) == "Log:\n\n$ make\n  cc -o a  a.c\n\nok\n\ndone")
    }

    @Test("list items get markers; nested lists indent; ordered lists count")
    func lists() {
        let html = "<p>Steps:</p><ul><li>one</li><li>two<ul><li>two a</li></ul></li></ul><ol><li>first<li>second</ol><p>end</p>"
        #expect(text(html) == "Steps:\n\n- one\n- two\n  - two a\n\n1. first\n2. second\n\nend")
    }

    @Test("table rows become lines, cells are separated by a space")
    func tables() {
        let html = "<table><tr><th>Key</th><th>Value</th></tr><tr><td>Host</td><td>db1</td></tr></table>after"
        #expect(text(html) == "Key Value\nHost db1\nafter")
    }

    @Test("headings, hr and blocks")
    func headingsAndRules() {
        #expect(text("<h1>Title</h1>intro<hr>footer") == "Title\n\nintro\n---\nfooter")
    }

    @Test("links keep their address unless the text already is the address")
    func links() {
        let cases: [(html: String, text: String)] = [
            (#"See <a href="https://example.com/x">the docs</a>."#, "See the docs (https://example.com/x)."),
            (#"<a href="https://example.com/">https://example.com</a>"#, "https://example.com"),
            (#"<a href="http://www.example.com">www.example.com</a>"#, "www.example.com"),
            (#"Mail <a href="mailto:help@example.com?subject=Hi">help@example.com</a>"#, "Mail help@example.com"),
            (#"<a href="mailto:help@example.com">Support</a>"#, "Support (help@example.com)"),
            (##"<a href="#top">Top</a> <a href="javascript:void(0)">x</a>"##, "Top x"),
            (#"<a href="https://e.com/a"><img src="logo.png"></a>text"#, "text"),
            (#"<ul><li><a href=https://e.com/a>https://e.com/a</a></li></ul>"#, "- https://e.com/a"),
            (#"<a href="https://a.test">A <a href="https://b.test">B"#, "A (https://a.test) B (https://b.test)"),
        ]
        for (html, expected) in cases {
            #expect(text(html) == expected)
        }
    }

    @Test("a newsletter: layout tables, hidden preheader, image-only cells, entities, footer links")
    func newsletter() {
        let html = """
        <!DOCTYPE html><html><head><style>.x{}</style></head><body><span style="display:none!important">Preview text</span>
        <table width="100%"><tr><td align="center"><table><tr><td><img src="logo.png" alt="ACME"></td></tr>
        <tr><td><h1>Big   News</h1><p>We&rsquo;ve launched <strong>v2.0</strong>. \
        <a href="https://acme.test/launch?utm=1">Read more &raquo;</a></p>
        <p>Questions? Call +1&nbsp;555&nbsp;0100.</p></td></tr><tr><td style="font-size:10px">
        <a href="https://acme.test/unsub">Unsubscribe</a> | <a href="https://acme.test/prefs">Preferences</a><br>\
        &copy; 2024 ACME Inc.</td></tr></table></td></tr></table></body></html>
        """
        #expect(text(html) == """
        Big News

        We’ve launched v2.0. Read more » (https://acme.test/launch?utm=1)

        Questions? Call +1 555 0100.

        Unsubscribe (https://acme.test/unsub) | Preferences (https://acme.test/prefs)
        © 2024 ACME Inc.
        """)
    }

    @Test("script, style, title, head, template, comments and hidden elements are dropped")
    func droppedContent() {
        let html = """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>Newsletter</title>
        <style>p { color: red; } </style><!--[if mso]><xml><o:OfficeDocumentSettings>96</o:OfficeDocumentSettings></xml><![endif]-->
        </head><body><div style="display: none; max-height:0">preheader text</div>\
        <script type="text/javascript">if (a < b) { document.write("</p>") }</script>\
        <p>Visible<!-- a comment <p>not shown</p> --> text</p><template><p>tpl</p></template><span hidden>gone</span></body></html>
        """
        #expect(text(html) == "Visible text")
    }

    @Test("hidden elements nest by tag name")
    func hiddenNesting() {
        let html = #"<div style="display:none"><div>a</div><div>b</div></div><div>shown</div>"#
        #expect(text(html) == "shown")
    }

    @Test("character references: named, legacy without semicolon, decimal, hex, Windows-1252, invalid")
    func entities() {
        #expect(text("&lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &copy; 2024 &euro;5 &hellip;") == "<tag> & \"q\" 'a' © 2024 €5 …")
        #expect(text("caf&eacute; &Uuml;ber &szlig; &ntilde;") == "café Über ß ñ")
        #expect(text("&#233;&#xE9;&#XE9;&#x1F600; &#150; &#0; &#x110000; &#99999999999999999999;") == "ééé😀 – \u{FFFD} \u{FFFD} \u{FFFD}")
        #expect(text("AT&amp;T &amp fish &copy2024 &unknown; &#; & alone") == "AT&T & fish &copy2024 &unknown; &#; & alone")
        let attribute = #"<a href="https://e.com/?a=1&copy=2&amp;b=3">x</a>"#
        #expect(text(attribute) == "x (https://e.com/?a=1&copy=2&b=3)")
    }

    @Test("nbsp is a space that does not collapse; blank nbsp paragraphs and invisible characters vanish")
    func nonBreakingSpace() {
        #expect(text("<p>a&nbsp;&nbsp;b</p><p>&nbsp;</p><p>&nbsp;</p><p>c&shy;d</p>") == "a  b\n\ncd")
        #expect(text("<p>x</p><blockquote>\u{FEFF}&#8203;</blockquote><p>y\u{FEFF}z</p>") == "x\n\nyz")
    }

    @Test("blockquotes are quoted with > per level, as in a plain-text reply")
    func blockquotes() {
        let html = """
        <div dir="ltr">Sounds good.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">\
        On Mon, 3 Jun 2024 at 09:12, Bob &lt;<a href="mailto:bob@example.com">bob@example.com</a>&gt; wrote:<br></div>\
        <blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div dir="ltr">Can we meet?<br>\
        <blockquote>Earlier<p>para</p></blockquote>Tuesday?</div></blockquote></div>
        """
        #expect(text(html) == """
        Sounds good.

        On Mon, 3 Jun 2024 at 09:12, Bob <bob@example.com> wrote:

        > Can we meet?
        >
        > > Earlier
        > >
        > > para
        >
        > Tuesday?
        """)
    }

    @Test("Outlook's reply block becomes header lines")
    func outlookReply() {
        let html = """
        <html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name="Generator" content="Microsoft Word 15">\
        <o:p></o:p></head><body lang="EN-US"><div class="WordSection1"><p class="MsoNormal">Done.<o:p></o:p></p>\
        <p class="MsoNormal"><o:p>&nbsp;</o:p></p><div style="border:none;border-top:solid #E1E1E1 1.0pt">\
        <p class="MsoNormal"><b>From:</b> Bob Smith &lt;bob@example.com&gt;<br><b>Sent:</b> Monday, June 3, 2024 9:12 AM<br>\
        <b>To:</b> Ada &lt;ada@example.com&gt;<br><b>Subject:</b> Printer<o:p></o:p></p></div>\
        <p class="MsoNormal">Please fix it.<o:p></o:p></p></div></body></html>
        """
        #expect(text(html) == """
        Done.

        From: Bob Smith <bob@example.com>
        Sent: Monday, June 3, 2024 9:12 AM
        To: Ada <ada@example.com>
        Subject: Printer

        Please fix it.
        """)
    }

    @Test("broken HTML: unclosed tags, stray <, unquoted and unclosed attributes, uppercase tags")
    func brokenHTML() {
        #expect(text("<P>One<P>Two<BR>Three</DIV></span>") == "One\n\nTwo\nThree")
        #expect(text("if a < b and c <= d, 3 > 2 <3 <<>>") == "if a < b and c <= d, 3 > 2 <3 <<>>")
        #expect(text("as a browser does, c<d then> is a tag") == "as a browser does, c is a tag")
        #expect(text("x <b") == "x <b")
        #expect(text("<a href=https://e.com/a title=x>go</A>") == "go (https://e.com/a)")
        let unclosedQuote = #"<div class="a>b</div><p>after</p>"#
        #expect(text(unclosedQuote) == "b\n\nafter")
        let otherQuote = #"<p title='it"s'>ok</p>"#
        #expect(text(otherQuote) == "ok")
        #expect(text("<p>unclosed comment <!-- rest") == "unclosed comment")
        #expect(text("a</>b<?php echo 1 ?>c<!doctype html>d</ 3>e") == "abcde")
        #expect(text("<ul><li>a<li>b</ul>c") == "- a\n- b\n\nc")
        #expect(text("<li>orphan</li><p>after</p>") == "- orphan\n\nafter")
        #expect(text("</blockquote></ol></pre>x") == "x")
        #expect(text("<script>never closed <p>hidden") == "")
    }

    @Test("CRLF sources and empty input")
    func lineEndings() {
        #expect(text("<p>a\r\nb</p>\r\n<p>c</p>") == "a b\n\nc")
        #expect(text("<pre>x\r\ny</pre>") == "x\ny")
        #expect(text("") == "")
        #expect(text("   ") == "")
    }

    @Test("pathological input finishes with the expected text")
    func pathological() {
        let lessThans = String(repeating: "<", count: 200_000)
        #expect(text(lessThans) == lessThans)
        let openTags = String(repeating: "<a ", count: 50_000)
        #expect(text(openTags) == Array(repeating: "<a", count: 50_000).joined(separator: " "))
        let quotes = String(repeating: "<a x=\"", count: 50_000) + ">tail"
        #expect(text(quotes) == "tail")
        // Quote markers and list indentation stop at 16 levels, so the output stays small.
        let nested = String(repeating: "<blockquote>", count: 20_000) + "deep<br>deeper"
        #expect(text(nested) == String(repeating: "> ", count: 16) + "deep\n" + String(repeating: "> ", count: 16) + "deeper")
        let lists = String(repeating: "<ul><li>", count: 20_000) + "item"
        #expect(text(lists) == String(repeating: "  ", count: 15) + "- item")
        let comments = String(repeating: "<!-- x -->", count: 50_000) + "end"
        #expect(text(comments) == "end")
        let ampersands = String(repeating: "&", count: 100_000) + "&#" + String(repeating: "9", count: 100_000)
        #expect(text(ampersands) == String(repeating: "&", count: 100_000) + "\u{FFFD}")
    }
}
