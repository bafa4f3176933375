/// Lays out HTML tokens as plain-text lines (see `HTMLText.plainText(fromHTML:)` for the rules).
struct HTMLTextRenderer {
    private struct ListLevel {
        var ordered: Bool
        var count = 0
    }

    private struct OpenLink {
        var address: String
        /// Where the link's first visible byte went in `output`; `nil` while it has shown nothing.
        var textStart: Int?
    }

    /// The text so far, UTF-8; every line in it has content.
    private var output: [UInt8] = []
    /// Line ends owed before the next text (two make a blank line; more count as two).
    private var pendingNewlines = 0
    /// Whitespace was seen since the last text on this line.
    private var pendingSpace = false
    private var quoteDepth = 0
    private var lastLineQuoteDepth = 0
    private var lists: [ListLevel] = []
    /// The marker for the next line, set by `<li>` until the item shows text.
    private var pendingBullet: String?
    private var preDepth = 0
    private var atPreStart = false
    private var link: OpenLink?
    /// An element whose content is not shown, and how many of its kind are open inside it.
    private var hidden: (name: String, depth: Int)?
    private var inHead = false

    mutating func consume(_ token: HTMLToken) {
        if let current = hidden {
            trackHidden(current, token)
            return
        }
        switch token {
        case .text(let raw):
            let text = Self.withoutInvisibles(raw)
            if inHead {
                if text.utf8.allSatisfy(HTMLByte.isSpace) { return }
                inHead = false
            }
            if preDepth > 0 { preformatted(text) } else { flowing(text) }
        case .startTag(let name, let attributes, let selfClosing):
            start(name, attributes, selfClosing: selfClosing)
        case .endTag(let name):
            end(name)
        }
    }

    /// The finished text: lines right-trimmed, at most one blank line in a row, none at either end.
    mutating func finish() -> String {
        closeLink()
        var lines: [String] = []
        var blankRun = 0
        for rawLine in output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = rawLine
            while let last = line.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { line.removeLast() }
            if line.isEmpty {
                blankRun += 1
                if blankRun > 1 || lines.isEmpty { continue }
            } else {
                blankRun = 0
            }
            lines.append(String(decoding: line, as: UTF8.self))
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The text without soft hyphens, zero-width spaces and byte order marks, which show nothing.
    private static func withoutInvisibles(_ text: String) -> String {
        let isInvisible: (Unicode.Scalar) -> Bool = { $0.value == 0xAD || $0.value == 0x200B || $0.value == 0xFEFF }
        guard text.unicodeScalars.contains(where: isInvisible) else { return text }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.lazy.filter { !isInvisible($0) })
        return String(kept)
    }

    // MARK: Tags

    private mutating func start(_ name: String, _ attributes: [HTMLAttribute], selfClosing: Bool) {
        if inHead {
            guard name == "body" || !(Self.headElements.contains(name) || name.contains(":")) else { return }
            inHead = false
        }
        if name == "head" {
            inHead = output.isEmpty
            return
        }
        if !selfClosing, !Self.voidElements.contains(name), name == "template" || Self.hides(attributes) {
            hidden = (name, 1)
            return
        }
        switch name {
        case "br":
            lineBreak()
        case "blockquote":
            paragraphBreak()
            quoteDepth += 1
        case "pre", "listing", "xmp":
            paragraphBreak()
            preDepth += 1
            atPreStart = true
        case "ul", "ol", "menu", "dir":
            if lists.isEmpty { paragraphBreak() } else { blockBreak() }
            lists.append(ListLevel(ordered: name == "ol"))
        case "li":
            blockBreak()
            startListItem()
        case "hr":
            blockBreak()
            emit(Array("---".utf8)[...])
            blockBreak()
        case "td", "th":
            pendingSpace = true
        case "a":
            closeLink()
            if let href = attributes.first(where: { $0.name == "href" })?.value, let address = Self.shownAddress(href) {
                link = OpenLink(address: address)
            }
        default:
            if Self.paragraphElements.contains(name) {
                paragraphBreak()
            } else if Self.blockElements.contains(name) {
                blockBreak()
            }
        }
    }

    private mutating func end(_ name: String) {
        switch name {
        case "head":
            inHead = false
        case "br":
            lineBreak()
        case "blockquote":
            paragraphBreak()
            quoteDepth = max(0, quoteDepth - 1)
        case "pre", "listing", "xmp":
            paragraphBreak()
            preDepth = max(0, preDepth - 1)
        case "ul", "ol", "menu", "dir":
            if !lists.isEmpty { lists.removeLast() }
            pendingBullet = nil
            if lists.isEmpty { paragraphBreak() } else { blockBreak() }
        case "li":
            pendingBullet = nil
            blockBreak()
        case "a":
            closeLink()
        default:
            if Self.paragraphElements.contains(name) {
                paragraphBreak()
            } else if Self.blockElements.contains(name) {
                blockBreak()
            }
        }
    }

    private mutating func trackHidden(_ current: (name: String, depth: Int), _ token: HTMLToken) {
        var depth = current.depth
        switch token {
        case .startTag(let name, _, let selfClosing) where name == current.name && !selfClosing:
            depth += 1
        case .endTag(let name) where name == current.name:
            depth -= 1
        default:
            break
        }
        hidden = depth > 0 ? (current.name, depth) : nil
    }

    private mutating func startListItem() {
        guard !lists.isEmpty else {
            pendingBullet = "- "
            return
        }
        let level = lists.count - 1
        lists[level].count += 1
        pendingBullet = lists[level].ordered ? "\(lists[level].count). " : "- "
    }

    // MARK: Breaks

    private mutating func lineBreak() {
        guard !output.isEmpty else { return }
        pendingNewlines = min(pendingNewlines + 1, 2)
    }

    private mutating func blockBreak() {
        pendingNewlines = max(pendingNewlines, 1)
    }

    /// A blank line, except inside lists, where items stay together.
    private mutating func paragraphBreak() {
        pendingNewlines = max(pendingNewlines, lists.isEmpty ? 2 : 1)
    }

    // MARK: Text

    /// Text outside `<pre>`: runs of whitespace become one space, or vanish at a line's edges.
    private mutating func flowing(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if HTMLByte.isSpace(bytes[index]) {
                pendingSpace = true
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, !HTMLByte.isSpace(bytes[index]) { index += 1 }
            emit(bytes[start..<index])
        }
    }

    /// Text inside `<pre>`: spaces kept, each line feed ends a line (a first one right after `<pre>` is dropped).
    private mutating func preformatted(_ text: String) {
        var bytes = Array(text.utf8).filter { $0 != UInt8(ascii: "\r") }
        if atPreStart, bytes.first == UInt8(ascii: "\n") { bytes.removeFirst() }
        if !bytes.isEmpty { atPreStart = false }
        for (offset, segment) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if offset > 0 { lineBreak() }
            if !segment.isEmpty {
                pendingSpace = false
                emit(segment)
            }
        }
    }

    /// Appends visible bytes, first settling owed line ends or a space and the new line's prefixes.
    private mutating func emit(_ bytes: ArraySlice<UInt8>) {
        if output.isEmpty {
            startLine()
        } else if pendingNewlines > 0 {
            output.append(UInt8(ascii: "\n"))
            if pendingNewlines > 1 {
                appendQuotePrefix(min(lastLineQuoteDepth, quoteDepth), trailingSpace: false)
                output.append(UInt8(ascii: "\n"))
            }
            startLine()
        } else if pendingSpace {
            output.append(UInt8(ascii: " "))
        }
        pendingNewlines = 0
        pendingSpace = false
        if link != nil, link?.textStart == nil { link?.textStart = output.count }
        // A no-break space (C2 A0) survives collapsing but is written as a plain space.
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == 0xC2, byte == 0xA0 {
                output[output.count - 1] = UInt8(ascii: " ")
            } else {
                output.append(byte)
            }
            previous = byte
        }
    }

    /// Quote markers and list indentation stop growing past this depth, so output stays linear in the input.
    private static let maximumShownDepth = 16

    private mutating func startLine() {
        appendQuotePrefix(quoteDepth, trailingSpace: true)
        lastLineQuoteDepth = quoteDepth
        let indentLevels = min(lists.count, Self.maximumShownDepth)
        if let bullet = pendingBullet {
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * max(0, indentLevels - 1)))
            output.append(contentsOf: bullet.utf8)
            pendingBullet = nil
        } else {
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indentLevels))
        }
    }

    private mutating func appendQuotePrefix(_ quoteDepth: Int, trailingSpace: Bool) {
        let depth = min(quoteDepth, Self.maximumShownDepth)
        guard depth > 0 else { return }
        for level in 0..<depth {
            output.append(UInt8(ascii: ">"))
            if trailingSpace || level < depth - 1 { output.append(UInt8(ascii: " ")) }
        }
    }

    // MARK: Links

    private mutating func closeLink() {
        guard let current = link else { return }
        link = nil
        guard let start = current.textStart, start <= output.count else { return }
        let text = String(decoding: output[start...], as: UTF8.self)
        let address = Self.comparable(current.address)
        guard !address.isEmpty, !Self.comparable(text).contains(address) else { return }
        output.append(contentsOf: Array(" (\(current.address))".utf8))
    }

    /// The address a link shows after its text, or `nil` for in-page, script and data links.
    static func shownAddress(_ href: String) -> String? {
        let trimmed = trimmed(href)
        let lower = trimmed.lowercased()
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        if lower.hasPrefix("javascript:") || lower.hasPrefix("data:") || lower.hasPrefix("vbscript:") { return nil }
        if lower.hasPrefix("mailto:") {
            let mailbox = trimmed.dropFirst("mailto:".count).prefix { $0 != "?" }
            return mailbox.isEmpty ? nil : String(mailbox)
        }
        return trimmed
    }

    /// A form for "does the text already show this address": lowercased, no scheme, `www.` or trailing `/`.
    private static func comparable(_ text: String) -> String {
        var value = Substring(trimmed(text).lowercased())
        for prefix in ["https://", "http://", "mailto:", "www."] where value.hasPrefix(prefix) {
            value = value.dropFirst(prefix.count)
        }
        while value.hasSuffix("/") { value = value.dropLast() }
        return String(value)
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isEdge: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace }
        guard let first = scalars.firstIndex(where: { !isEdge($0) }), let last = scalars.lastIndex(where: { !isEdge($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }

    // MARK: Element classes

    private static func hides(_ attributes: [HTMLAttribute]) -> Bool {
        for attribute in attributes {
            if attribute.name == "hidden" { return true }
            if attribute.name == "style" {
                let compact = String(attribute.value.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace })
                if compact.contains("display:none") { return true }
            }
        }
        return false
    }

    private static let paragraphElements: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "figure"]

    private static let blockElements: Set<String> = [
        "div", "address", "article", "aside", "center", "details", "dialog", "dd", "dt", "fieldset",
        "figcaption", "footer", "form", "header", "hgroup", "legend", "main", "nav", "section", "summary",
        "table", "thead", "tbody", "tfoot", "tr", "caption", "option", "body", "html",
    ]

    private static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ]

    /// Elements that may sit in `<head>` without ending it (Outlook adds `<xml>` and `o:` elements).
    private static let headElements: Set<String> = [
        "meta", "link", "base", "noscript", "template", "basefont", "bgsound", "xml",
    ]
}
