/// One attribute of a start tag: the name lowercased, the value with character references decoded.
struct HTMLAttribute: Sendable, Equatable {
    var name: String
    var value: String
}

/// What the tokenizer hands out. Comments, doctypes, processing instructions and the contents of
/// `<script>`, `<style>` and `<title>` never appear.
enum HTMLToken: Sendable, Equatable {
    /// Text with character references decoded; whitespace exactly as written.
    case text(String)
    /// A start tag; `name` is lowercased.
    case startTag(name: String, attributes: [HTMLAttribute], selfClosing: Bool)
    /// An end tag; `name` is lowercased.
    case endTag(name: String)
}

/// A forgiving HTML tag scanner over UTF-8 bytes, modelled on the browser tokenizer but simpler.
///
/// Guarantees: every input yields a finite token stream in time linear in the input. A `<` that
/// cannot start markup (no letter, `/`, `!` or `?` after it, or no `>` anywhere after it) is text;
/// a quote that is never closed before the last `>` is an ordinary character; an unclosed comment
/// runs to the end, as in a browser.
struct HTMLTokenizer {
    private let bytes: [UInt8]
    private var position = 0
    /// Index of the last `>` in the input, or -1.
    private let lastGreaterThan: Int
    /// Per quote character (`"` then `'`): the last span searched for it, `(from, found)`.
    /// Nothing of that character lies strictly between `from` and `found`.
    private var quoteSearchCache: [(from: Int, found: Int)] = [(-1, -1), (-1, -1)]

    init(_ html: String) {
        bytes = Array(html.utf8)
        lastGreaterThan = bytes.lastIndex(of: UInt8(ascii: ">")) ?? -1
    }

    /// The next token, or `nil` at the end of the input.
    mutating func next() -> HTMLToken? {
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "<"), startsMarkup(at: position) {
                if let token = scanMarkup() { return token }
                continue
            }
            return scanText()
        }
        return nil
    }

    // MARK: Text

    private mutating func scanText() -> HTMLToken {
        let start = position
        position += 1
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "<"), startsMarkup(at: position) { break }
            position += 1
        }
        return .text(HTMLEntities.decode(bytes[start..<position]))
    }

    /// Whether the `<` at `index` begins markup rather than being a literal character.
    private func startsMarkup(at index: Int) -> Bool {
        guard index + 1 < bytes.count else { return false }
        let next = bytes[index + 1]
        if next == UInt8(ascii: "!"), hasPrefix("<!--", at: index) { return true }
        guard lastGreaterThan > index else { return false }
        if HTMLByte.isLetter(next) || next == UInt8(ascii: "!") || next == UInt8(ascii: "?") { return true }
        return next == UInt8(ascii: "/")
    }

    // MARK: Markup

    /// Consumes the markup at `position` (a `<`); returns a token, or `nil` for markup that yields none.
    private mutating func scanMarkup() -> HTMLToken? {
        let next = bytes[position + 1]
        if next == UInt8(ascii: "!") {
            if hasPrefix("<!--", at: position) { skipComment() } else { skipPast(UInt8(ascii: ">"), from: position + 2) }
            return nil
        }
        if next == UInt8(ascii: "?") {
            skipPast(UInt8(ascii: ">"), from: position + 2)
            return nil
        }
        if next == UInt8(ascii: "/") {
            let afterSlash = position + 2
            guard afterSlash < bytes.count, HTMLByte.isLetter(bytes[afterSlash]) else {
                // `</>` is ignored; `</ …>` and `</1…>` are bogus comments.
                skipPast(UInt8(ascii: ">"), from: afterSlash)
                return nil
            }
            let tag = scanTag(nameStart: afterSlash)
            return .endTag(name: tag.name)
        }
        let tag = scanTag(nameStart: position + 1)
        if Self.rawTextElements.contains(tag.name) {
            skipRawText(of: tag.name)
            return nil
        }
        return .startTag(name: tag.name, attributes: tag.attributes, selfClosing: tag.selfClosing)
    }

    /// Elements whose content is never rendered and is not markup.
    private static let rawTextElements: Set<String> = ["script", "style", "title"]

    /// Scans a tag from its name to just past its `>`; a `>` is known to exist after `nameStart`.
    private mutating func scanTag(nameStart: Int) -> (name: String, attributes: [HTMLAttribute], selfClosing: Bool) {
        var index = nameStart
        while index < bytes.count, !HTMLByte.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: ">") {
            index += 1
        }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
        var attributes: [HTMLAttribute] = []
        var selfClosing = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                break
            }
            if HTMLByte.isSpace(byte) {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "/") {
                selfClosing = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ">")
                index += 1
                continue
            }
            selfClosing = false
            let (attribute, end) = scanAttribute(from: index)
            if !attribute.name.isEmpty, !attributes.contains(where: { $0.name == attribute.name }) {
                attributes.append(attribute)
            }
            index = end
        }
        position = index
        return (name, attributes, selfClosing)
    }

    /// Scans one attribute starting at a byte that is not space, `/` or `>`; returns it and the index after it.
    private mutating func scanAttribute(from start: Int) -> (HTMLAttribute, Int) {
        var index = start + 1 // the first byte belongs to the name whatever it is (even `=`)
        while index < bytes.count, !HTMLByte.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "/"),
              bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "=") {
            index += 1
        }
        let name = String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
        var look = index
        while look < bytes.count, HTMLByte.isSpace(bytes[look]) { look += 1 }
        guard look < bytes.count, bytes[look] == UInt8(ascii: "=") else {
            return (HTMLAttribute(name: name, value: ""), index)
        }
        look += 1
        while look < bytes.count, HTMLByte.isSpace(bytes[look]) { look += 1 }
        guard look < bytes.count else { return (HTMLAttribute(name: name, value: ""), look) }
        let quote = bytes[look]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'"), let close = closingQuote(quote, after: look) {
            let value = HTMLEntities.decode(bytes[(look + 1)..<close])
            return (HTMLAttribute(name: name, value: value), close + 1)
        }
        // Unquoted (or a quote that never closes, taken literally): up to space or `>`.
        var end = look
        while end < bytes.count, !HTMLByte.isSpace(bytes[end]), bytes[end] != UInt8(ascii: ">") { end += 1 }
        return (HTMLAttribute(name: name, value: HTMLEntities.decode(bytes[look..<end])), end)
    }

    /// The index of the next `quote` after `index`, if one exists before the last `>`.
    private mutating func closingQuote(_ quote: UInt8, after index: Int) -> Int? {
        let slot = quote == UInt8(ascii: "\"") ? 0 : 1
        let cached = quoteSearchCache[slot]
        var found: Int
        if cached.from <= index, index < cached.found {
            found = cached.found
        } else {
            found = index + 1
            while found < bytes.count, bytes[found] != quote { found += 1 }
            quoteSearchCache[slot] = (index, found)
        }
        return found < lastGreaterThan ? found : nil
    }

    /// Skips a comment starting at `position` (`<!--`): to just past `-->`, or to the end.
    private mutating func skipComment() {
        var index = position + 4
        // `<!-->` and `<!--->` are complete (empty) comments.
        if index < bytes.count, bytes[index] == UInt8(ascii: ">") {
            position = index + 1
            return
        }
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: ">") {
            position = index + 2
            return
        }
        while index + 2 < bytes.count {
            if bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: "-"), bytes[index + 2] == UInt8(ascii: ">") {
                position = index + 3
                return
            }
            index += 1
        }
        position = bytes.count
    }

    /// Moves `position` just past the first `byte` at or after `start`, or to the end.
    private mutating func skipPast(_ byte: UInt8, from start: Int) {
        var index = start
        while index < bytes.count, bytes[index] != byte { index += 1 }
        position = min(index + 1, bytes.count)
    }

    /// Skips the content of a raw-text element up to and including its end tag (or to the end).
    private mutating func skipRawText(of name: String) {
        let pattern = Array(("</" + name).utf8)
        var index = position
        while index + pattern.count <= bytes.count {
            if bytes[index] == UInt8(ascii: "<"), matchesIgnoringCase(pattern, at: index) {
                let after = index + pattern.count
                if after == bytes.count || HTMLByte.isSpace(bytes[after]) || bytes[after] == UInt8(ascii: "/") || bytes[after] == UInt8(ascii: ">") {
                    skipPast(UInt8(ascii: ">"), from: after)
                    return
                }
            }
            index += 1
        }
        position = bytes.count
    }

    // MARK: Bytes

    private func hasPrefix(_ prefix: String, at index: Int) -> Bool {
        let pattern = Array(prefix.utf8)
        guard index + pattern.count <= bytes.count else { return false }
        for offset in 0..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }

    private func matchesIgnoringCase(_ pattern: [UInt8], at index: Int) -> Bool {
        for offset in 0..<pattern.count where HTMLByte.lowercased(bytes[index + offset]) != pattern[offset] { return false }
        return true
    }
}

/// Byte classes the HTML scanners share.
enum HTMLByte {
    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// HTML's whitespace: space, tab, line feed, form feed, carriage return.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }
}
