/// Converts a (sanitised) HTML mail body to ADF, keeping its structure: paragraphs and line
/// breaks, links (`http`, `https` and `mailto` only), bullet and ordered lists, code (inline and
/// blocks), blockquotes, headings, rules, bold, italic, underline and strike-through.
///
/// Dropped with their content: `script`, `style`, `head`, `title`, `template`, `noscript`,
/// `svg`, `math`, `object`, `iframe`, `select`, `textarea`, Office `xml`, and elements hidden by
/// `hidden` or `display:none` (newsletter preheaders). Dropped alone: images, comments, and
/// every other tag, whose text is kept. `div` and table rows end lines; `p`, headings, lists,
/// quotes and other blocks end paragraphs; a line left empty (`<div><br></div>`) starts a new
/// paragraph, as it reads.
struct HTMLToADF {
    private var builder = ADFBuilder()
    /// The element being skipped with its content, and how deep it nests.
    private var skipping: (name: String, depth: Int)?
    /// Open `pre` elements; text inside goes to ``preText`` as it is.
    private var preDepth = 0
    private var preText = ""
    private var preStarted = false
    private var bold = 0, italic = 0, underline = 0, strike = 0, code = 0
    /// Open `a` elements: their safe `href`, or `nil` for none.
    private var links: [String?] = []
    /// Start tags of containers not opened (too deep), by name, so their end tags are ignored too.
    private var unopened: [String: Int] = [:]

    private static let droppedWithContent: Set<String> = [
        "script", "style", "head", "title", "template", "noscript", "svg", "math", "object", "iframe", "select", "textarea", "xml",
    ]
    private static let paragraphBlocks: Set<String> = [
        "p", "address", "article", "aside", "center", "dd", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "header", "main", "nav", "section", "table", "caption", "thead", "tbody", "tfoot", "h1", "h2", "h3", "h4", "h5", "h6",
    ]
    private static let lineBlocks: Set<String> = ["div", "tr"]
    private static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ]
    private static let preformatted: Set<String> = ["pre", "xmp", "listing", "plaintext"]

    static func convert(_ html: String) -> ADFDocument {
        var converter = HTMLToADF()
        var lexer = HTMLLexer(Array(html.utf8))
        while let token = lexer.next() {
            switch token {
            case .text(let range):
                converter.text(HTMLEntities.decode(lexer.input[range]))
            case .startTag(let name, let attributes, let selfClosing):
                converter.start(name, attributes, selfClosing: selfClosing)
            case .endTag(let name):
                converter.end(name)
            }
        }
        return converter.finish()
    }

    private mutating func text(_ text: String) {
        guard skipping == nil else { return }
        if preDepth > 0 {
            var text = text.replacingAll("\r\n", with: "\n").replacingAll("\r", with: "\n")
            if !preStarted, text.hasPrefix("\n") { text.removeFirst() }
            preStarted = true
            preText += text
            return
        }
        builder.appendText(text, marks: marks)
    }

    private var marks: [ADFMark] {
        var marks: [ADFMark] = []
        if code > 0 {
            marks.append(.code)
        } else {
            if bold > 0 { marks.append(.strong) }
            if italic > 0 { marks.append(.em) }
            if underline > 0 { marks.append(.underline) }
            if strike > 0 { marks.append(.strike) }
        }
        if let href = links.last ?? nil { marks.append(.link(href)) }
        return marks
    }

    private mutating func start(_ name: String, _ attributes: [HTMLLexer.Attribute], selfClosing: Bool) {
        if let skip = skipping {
            if name == skip.name, !Self.voidElements.contains(name), !selfClosing { skipping?.depth += 1 }
            if skip.name == "head", name == "body" { skipping = nil }
            return
        }
        if Self.droppedWithContent.contains(name) || (Self.isHidden(attributes) && !Self.voidElements.contains(name)) {
            if !selfClosing { skipping = (name, 1) }
            return
        }
        if preDepth > 0 {
            if name == "br" { preText += "\n" }
            if Self.preformatted.contains(name) { preDepth += 1 }
            return
        }
        switch name {
        case "br":
            builder.hardBreak()
        case "hr":
            builder.rule()
        case "td", "th":
            builder.space()
        case _ where Self.lineBlocks.contains(name):
            builder.endLine()
        case _ where Self.paragraphBlocks.contains(name):
            builder.endParagraph()
            if let level = Self.headingLevel(name) { builder.headingLevel = level }
        case _ where Self.preformatted.contains(name):
            builder.endParagraph()
            preDepth = 1
            preText = ""
            preStarted = false
        case "blockquote":
            openContainer(name, .blockquote)
        case "ul", "ol":
            let start = attributes.first { $0.name == "start" }.flatMap { Int(String(decoding: $0.value, as: UTF8.self)) } ?? 1
            openContainer(name, .list(ordered: name == "ol", start: max(0, start)))
        case "li":
            // An open item ends where the next one starts.
            builder.close(where: { $0 == .listItem }, stoppingAt: Self.isList)
            openContainer(name, .listItem)
        case "b", "strong":
            bold += 1
        case "i", "em", "cite", "var", "dfn":
            italic += 1
        case "u", "ins":
            underline += 1
        case "s", "strike", "del":
            strike += 1
        case "code", "tt", "kbd", "samp":
            code += 1
        case "a":
            if !selfClosing { links.append(Self.safeLink(attributes)) }
        default:
            break
        }
    }

    private mutating func end(_ name: String) {
        if let skip = skipping {
            if name == skip.name {
                skipping?.depth -= 1
                if skipping!.depth == 0 { skipping = nil }
            }
            return
        }
        if preDepth > 0 {
            guard Self.preformatted.contains(name) else { return }
            preDepth -= 1
            if preDepth == 0 { builder.codeBlock(preText) }
            return
        }
        if let count = unopened[name], count > 0 {
            unopened[name] = count - 1
            return
        }
        switch name {
        case _ where Self.lineBlocks.contains(name):
            builder.endLine()
        case _ where Self.paragraphBlocks.contains(name):
            builder.endParagraph()
            builder.headingLevel = nil
        case "blockquote":
            builder.close(where: { $0 == .blockquote })
        case "ul", "ol":
            builder.close(where: Self.isList)
        case "li":
            builder.close(where: { $0 == .listItem }, stoppingAt: Self.isList)
        case "b", "strong":
            bold = max(0, bold - 1)
        case "i", "em", "cite", "var", "dfn":
            italic = max(0, italic - 1)
        case "u", "ins":
            underline = max(0, underline - 1)
        case "s", "strike", "del":
            strike = max(0, strike - 1)
        case "code", "tt", "kbd", "samp":
            code = max(0, code - 1)
        case "a":
            if !links.isEmpty { links.removeLast() }
        default:
            break
        }
    }

    private mutating func openContainer(_ name: String, _ kind: ADFBuilder.ContainerKind) {
        if !builder.open(kind) { unopened[name, default: 0] += 1 }
    }

    private mutating func finish() -> ADFDocument {
        if preDepth > 0 { builder.codeBlock(preText) }
        return builder.finish()
    }

    private static func isList(_ kind: ADFBuilder.ContainerKind) -> Bool {
        if case .list = kind { return true }
        return false
    }

    private static func headingLevel(_ name: String) -> Int? {
        guard name.utf8.count == 2, name.hasPrefix("h"), let level = Int(name.dropFirst()), (1...6).contains(level) else { return nil }
        return level
    }

    /// Whether the element is hidden (`hidden`, or `display:none` in its style).
    private static func isHidden(_ attributes: [HTMLLexer.Attribute]) -> Bool {
        for attribute in attributes {
            if attribute.name == "hidden" { return true }
            if attribute.name == "style" {
                let style = String(decoding: attribute.value, as: UTF8.self).lowercased().filter { !$0.isWhitespace }
                if style.contains("display:none") { return true }
            }
        }
        return false
    }

    /// The element's `href` when it is an `http`, `https` or `mailto` URL; spaces become `%20`.
    static func safeLink(_ attributes: [HTMLLexer.Attribute]) -> String? {
        guard let raw = attributes.first(where: { $0.name == "href" })?.value else { return nil }
        let decoded = HTMLEntities.decode(raw[...], inAttribute: true)
        var href = String(decoded.unicodeScalars.filter { $0.value > 0x20 || $0 == " " }.map(Character.init))
        href = href.trimmingSpaces.replacingAll(" ", with: "%20")
        let lower = href.lowercased()
        let allowed = (lower.hasPrefix("http://") && lower.count > 7) || (lower.hasPrefix("https://") && lower.count > 8)
            || (lower.hasPrefix("mailto:") && lower.count > 7)
        return allowed ? href : nil
    }
}

extension String {
    /// The string without leading and trailing spaces.
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
