import Jira
import Testing

@Suite("HTML mail bodies to ADF")
struct HTMLToADFTests {
    private func adf(_ html: String) -> [ADFNode] { ADFDocument(html: html).content }
    private func text(_ value: String, _ marks: ADFMark...) -> ADFNode { .text(value, marks: marks) }

    @Test("paragraphs, line breaks, bold and italic; whitespace collapses as in a browser")
    func basics() {
        #expect(adf("<p>Hello <b>World</b>,</p><p>second<br>line</p>") == [
            .paragraph([text("Hello "), text("World", .strong), text(",")]),
            .paragraph([text("second"), .hardBreak, text("line")]),
        ])
        #expect(adf("<div>\n  <p>\n    wrapped\n    <i>source</i>  \n  </p>\n</div>") == [.paragraph([text("wrapped "), text("source", .em)])])
        #expect(adf("a<br><br><br><br>b") == [.paragraph([text("a")]), .paragraph([text("b")])])
        #expect(adf("<strong><em>both</em></strong> <u>u</u><s>s</s>") == [
            .paragraph([text("both", .strong, .em), text(" "), text("u", .underline), text("s", .strike)]),
        ])
    }

    @Test("Gmail's div per line: lines stay together, an empty div line starts a paragraph")
    func gmailDivs() {
        let html = """
        <div dir="ltr"><div>Hi team,</div><div><br></div><div>the printer on floor 3 is jammed again.</div>\
        <div><br></div><div>Thanks,</div><div>Ada</div></div>
        """
        #expect(adf(html) == [
            .paragraph([text("Hi team,")]),
            .paragraph([text("the printer on floor 3 is jammed again.")]),
            .paragraph([text("Thanks,"), .hardBreak, text("Ada")]),
        ])
    }

    @Test("links keep http, https and mailto only; entities in URLs are decoded as in attributes")
    func links() {
        let html = """
        <p>See <a href="https://example.com/x?a=1&amp;b=2&copy=3">the docs</a>, \
        <a href=" MAILTO:help@example.com ">mail us</a>, <a href="javascript:alert(1)">evil</a>, \
        <a href="/relative">rel</a>, <a href="cid:logo">cid</a>, <a>none</a>, <a href="http://e.com/a b">space</a></p>
        """
        #expect(adf(html) == [.paragraph([
            text("See "), text("the docs", .link("https://example.com/x?a=1&b=2&copy=3")), text(", "),
            text("mail us", .link("MAILTO:help@example.com")), text(", evil, rel, cid, none, "),
            text("space", .link("http://e.com/a%20b")),
        ])])
    }

    @Test("lists: bullets, ordered with start, nested, implicit item ends, stray items")
    func lists() {
        let html = "<p>Steps:</p><ul><li>one</li><li>two<ul><li>two a</li></ul></li></ul><ol start=\"3\"><li>first<li>second</ol><li>orphan</li>"
        #expect(adf(html) == [
            .paragraph([text("Steps:")]),
            .bulletList([
                .listItem([.paragraph([text("one")])]),
                .listItem([.paragraph([text("two")]), .bulletList([.listItem([.paragraph([text("two a")])])])]),
            ]),
            .orderedList(start: 3, [.listItem([.paragraph([text("first")])]), .listItem([.paragraph([text("second")])])]),
            .bulletList([.listItem([.paragraph([text("orphan")])])]),
        ])
        // A list right inside a list joins the item before it; an item holding only a list gets an empty paragraph first.
        #expect(adf("<ul><li>a</li><ul><li>b</li></ul><li><ol><li>c</li></ol></li><li></li></ul>") == [
            .bulletList([
                .listItem([.paragraph([text("a")]), .bulletList([.listItem([.paragraph([text("b")])])])]),
                .listItem([.paragraph([]), .orderedList([.listItem([.paragraph([text("c")])])])]),
            ]),
        ])
    }

    @Test("code: inline code carries only code (and link) marks; pre becomes a code block")
    func code() {
        let html = "<p>Run <b><code>make</code></b> or <a href=\"https://x.y\"><code>x</code></a>:</p><pre>\n$ make\n  cc -o a  a.c\n<b>ok</b>\n</pre><p>done</p>"
        #expect(adf(html) == [
            .paragraph([text("Run "), text("make", .code), text(" or "), text("x", .code, .link("https://x.y")), text(":")]),
            .codeBlock("$ make\n  cc -o a  a.c\nok"),
            .paragraph([text("done")]),
        ])
    }

    @Test("quotes: nested quotes flatten into one; headings inside become paragraphs")
    func blockquotes() {
        let html = """
        <div dir="ltr">Sounds good.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">\
        On Mon, 3 Jun 2024 at 09:12, Bob &lt;<a href="mailto:bob@example.com">bob@example.com</a>&gt; wrote:<br></div>\
        <blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div dir="ltr">Can we meet?<br>\
        <blockquote>Earlier<h2>Title</h2><ul><li>x</li></ul></blockquote>Tuesday?</div></blockquote></div>
        """
        #expect(adf(html) == [
            .paragraph([text("Sounds good.")]),
            .paragraph([text("On Mon, 3 Jun 2024 at 09:12, Bob <"), text("bob@example.com", .link("mailto:bob@example.com")), text("> wrote:")]),
            .blockquote([
                .paragraph([text("Can we meet?")]),
                .paragraph([text("Earlier")]),
                .paragraph([text("Title")]),
                .bulletList([.listItem([.paragraph([text("x")])])]),
                .paragraph([text("Tuesday?")]),
            ]),
        ])
    }

    @Test("a newsletter: head, styles, scripts, hidden preheader and images go; headings and rules stay")
    func newsletter() {
        let html = """
        <!DOCTYPE html><html><head><title>News</title><style>.x{}</style></head><body>\
        <span style="display: none !important">Preview text</span>\
        <table width="100%"><tr><td align="center"><img src="logo.png" alt="ACME"></td></tr>\
        <tr><td><h1>Big   News</h1><p>We&rsquo;ve launched <strong>v2.0</strong>. \
        <a href="https://acme.test/launch?utm=1">Read more &raquo;</a></p><hr>\
        <p>Questions? Call +1&nbsp;555&nbsp;0100.</p></td></tr><tr><td style="font-size:10px">\
        <a href="https://acme.test/unsub">Unsubscribe</a> | <a href="https://acme.test/prefs">Preferences</a><br>\
        &copy; 2024 ACME Inc.</td></tr></table><script>document.write("<p>x</p>")</script></body></html>
        """
        #expect(adf(html) == [
            .heading(level: 1, [text("Big News")]),
            .paragraph([text("We’ve launched "), text("v2.0", .strong), text(". "), text("Read more »", .link("https://acme.test/launch?utm=1"))]),
            .rule,
            .paragraph([text("Questions? Call +1 555 0100.")]),
            .paragraph([
                text("Unsubscribe", .link("https://acme.test/unsub")), text(" | "), text("Preferences", .link("https://acme.test/prefs")),
                .hardBreak, text("© 2024 ACME Inc."),
            ]),
        ])
    }

    @Test("Outlook's HTML: Office tags dropped, empty nbsp paragraphs vanish, the reply block stays")
    func outlook() {
        let html = """
        <html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name="Generator" content="Microsoft Word 15">\
        <!--[if gte mso 9]><xml><o:OfficeDocumentSettings><o:AllowPNG/></o:OfficeDocumentSettings></xml><![endif]--></head>\
        <body lang="EN-US"><div class="WordSection1"><p class="MsoNormal">Done.<o:p></o:p></p>\
        <p class="MsoNormal"><o:p>&nbsp;</o:p></p><div style="border:none;border-top:solid #E1E1E1 1.0pt">\
        <p class="MsoNormal"><b>From:</b> Bob Smith &lt;bob@example.com&gt;<br><b>Sent:</b> Monday, June 3, 2024 9:12 AM<br>\
        <b>Subject:</b> Printer<o:p></o:p></p></div><p class="MsoNormal">Please fix it.<o:p></o:p></p></div></body></html>
        """
        #expect(adf(html) == [
            .paragraph([text("Done.")]),
            .paragraph([
                text("From:", .strong), text(" Bob Smith <bob@example.com>"), .hardBreak,
                text("Sent:", .strong), text(" Monday, June 3, 2024 9:12 AM"), .hardBreak,
                text("Subject:", .strong), text(" Printer"),
            ]),
            .paragraph([text("Please fix it.")]),
        ])
    }

    @Test("the corpus's HTML-only newsletter and Outlook reply bodies")
    func corpusBodies() {
        // Tests/MailTests/Corpus/html-only-list.eml and outlook-reply.eml (HTML parts, decoded).
        let list = "<html><head><style>p{color:red}</style></head><body><h1>Update</h1><p>Read <a href=\"https://example.com/post\">the post</a>.</p><script>alert(1)</script></body></html>"
        #expect(adf(list) == [
            .heading(level: 1, [text("Update")]),
            .paragraph([text("Read "), text("the post", .link("https://example.com/post")), text(".")]),
        ])
        let reply = "<html><body><p>Thanks &ndash; that fixed it.</p><div><b>From:</b> Acme Support</div></body></html>"
        #expect(adf(reply) == [.paragraph([text("Thanks – that fixed it.")]), .paragraph([text("From:", .strong), text(" Acme Support")])])
    }

    @Test("broken HTML: unclosed tags, stray <, unquoted attributes, uppercase, comments")
    func broken() {
        #expect(adf("<P>One<P>Two<BR>Three</DIV></span>") == [.paragraph([text("One")]), .paragraph([text("Two"), .hardBreak, text("Three")])])
        #expect(adf("if a < b and c <= d, 3 > 2 <3 <<>>") == [.paragraph([text("if a < b and c <= d, 3 > 2 <3 <<>>")])])
        #expect(adf("x <b") == [.paragraph([text("x <b")])])
        #expect(adf("<a href=https://e.com/a title=x>go</A>") == [.paragraph([text("go", .link("https://e.com/a"))])])
        #expect(adf("<p>Visible<!-- a comment <p>not shown</p> --> text</p><p>unclosed <!-- rest") == [
            .paragraph([text("Visible text")]), .paragraph([text("unclosed")]),
        ])
        #expect(adf("a</>b<?php echo 1 ?>c<!doctype html>d</ 3>e") == [.paragraph([text("abcde")])])
        #expect(adf("<script>never closed <p>hidden").isEmpty)
        #expect(adf("<div hidden>secret</div><div style=\"DISPLAY : NONE\"><div>a</div></div>shown") == [.paragraph([text("shown")])])
        #expect(adf("</blockquote></ol></li></pre>x") == [.paragraph([text("x")])])
    }

    @Test("entities: named, legacy, numeric, Windows-1252, invalid; invisible characters vanish")
    func entities() {
        #expect(adf("&lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &copy; &euro;5 &hellip; caf&eacute; &Uuml;ber") == [
            .paragraph([text("<tag> & \"q\" 'a' © €5 … café Über")]),
        ])
        #expect(adf("&#233;&#xE9;&#x1F600; &#150; &#0; &#x110000; AT&amp;T &amp fish &copy2024 &unknown; &#; & alone") == [
            .paragraph([text("éé😀 – \u{FFFD} \u{FFFD} AT&T & fish ©2024 &unknown; &#; & alone")]),
        ])
        #expect(adf("<p>a&#8203;b\u{FEFF}c&shy;d</p><p>&nbsp;</p>") == [.paragraph([text("abcd")])])
    }

    @Test("pathological input finishes, bounded in depth")
    func pathological() {
        let lessThans = String(repeating: "<", count: 100_000)
        #expect(adf(lessThans) == [.paragraph([text(lessThans)])])
        let openTags = String(repeating: "<a ", count: 20_000)
        #expect(adf(openTags).count == 1)
        let quotes = String(repeating: "<a x=\"", count: 20_000) + ">tail"
        #expect(adf(quotes).count <= 1)
        let nested = String(repeating: "<blockquote>", count: 20_000) + "deep"
        #expect(adf(nested) == [.blockquote([.paragraph([text("deep")])])])
        let lists = String(repeating: "<ul><li>", count: 20_000) + "item"
        let document = ADFDocument(html: lists)
        #expect(document.content.count == 1)
        #expect(depth(of: document.content[0]) < 60)
        let comments = String(repeating: "<!-- x -->", count: 20_000) + "end"
        #expect(adf(comments) == [.paragraph([text("end")])])
    }

    private func depth(of node: ADFNode) -> Int {
        1 + ((node.content ?? []).map(depth).max() ?? 0)
    }
}
