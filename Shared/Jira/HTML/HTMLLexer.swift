/// A forgiving, linear HTML tokenizer for mail bodies: start and end tags with attributes, text;
/// comments, doctypes and processing instructions are skipped.
///
/// It never fails: a `<` that starts no tag is text, a tag without its closing `>` is text, a
/// comment without `-->` runs to the end. The text of `script`, `style`, `textarea`, `title` and
/// `xmp` is raw (no tags inside) up to the matching end tag. Input is UTF-8 bytes; tag and
/// attribute names are lower-cased ASCII; text and attribute values are not yet
/// entity-decoded (see ``HTMLEntities``).
struct HTMLLexer {
    enum Token: Equatable {
        case text(Range<Int>)
        case startTag(name: String, attributes: [Attribute], selfClosing: Bool)
        case endTag(name: String)
    }

    struct Attribute: Equatable {
        var name: String
        /// The raw value (entities not decoded); empty for a bare attribute.
        var value: [UInt8]
    }

    let input: [UInt8]
    private var position = 0
    /// The index of the last `>` in the input: a tag starting after it cannot end.
    private let lastClosingBracket: Int
    /// Set after a raw-text element's start tag: its text runs to `</name`.
    private var rawTextElement: [UInt8]?

    private static let rawTextElements: Set<String> = ["script", "style", "textarea", "title", "xmp"]

    init(_ input: [UInt8]) {
        self.input = input
        self.lastClosingBracket = input.lastIndex(of: UInt8(ascii: ">")) ?? -1
    }

    mutating func next() -> Token? {
        if let name = rawTextElement {
            rawTextElement = nil
            if let token = rawText(until: name) { return token }
        }
        var textStart: Int?
        while position < input.count {
            if input[position] == UInt8(ascii: "<") {
                if let start = textStart { return .text(start..<position) }
                switch markup() {
                case .token(let token):
                    return token
                case .skipped:
                    continue
                case .text:
                    textStart = position
                    position += 1
                }
            } else {
                if textStart == nil { textStart = position }
                position = input[position...].firstIndex(of: UInt8(ascii: "<")) ?? input.count
            }
        }
        return textStart.map { .text($0..<position) }
    }

    private enum Markup {
        case token(Token)
        /// A comment, doctype or processing instruction was skipped.
        case skipped
        /// The `<` at `position` starts no markup; `position` is unchanged.
        case text
    }

    /// Reads the markup at `position` (a `<`).
    private mutating func markup() -> Markup {
        let next = position + 1 < input.count ? input[position + 1] : 0
        if Self.isLetter(next) {
            if position < lastClosingBracket, let token = tag(from: position + 1, isEnd: false) { return .token(token) }
        } else if next == UInt8(ascii: "/") {
            let after = position + 2 < input.count ? input[position + 2] : 0
            if Self.isLetter(after) {
                if position < lastClosingBracket, let token = tag(from: position + 2, isEnd: true) { return .token(token) }
            } else if after == UInt8(ascii: ">") {
                position += 3
                return .skipped
            } else if position + 2 < input.count {
                skipPast(UInt8(ascii: ">"), from: position + 2)
                return .skipped
            }
        } else if next == UInt8(ascii: "!") {
            if input[position...].starts(with: Array("<!--".utf8)) {
                skipComment(from: position + 4)
            } else {
                skipPast(UInt8(ascii: ">"), from: position + 2)
            }
            return .skipped
        } else if next == UInt8(ascii: "?") {
            skipPast(UInt8(ascii: ">"), from: position + 2)
            return .skipped
        }
        return .text
    }

    /// A tag whose name starts at `nameStart`; `nil` (position unchanged) when it has no `>`.
    private mutating func tag(from nameStart: Int, isEnd: Bool) -> Token? {
        var index = nameStart
        while index < input.count, !Self.endsName(input[index]) { index += 1 }
        let name = Self.lowercased(input[nameStart..<index])
        var attributes: [Attribute] = []
        var selfClosing = false
        while true {
            while index < input.count, Self.isSpace(input[index]) || input[index] == UInt8(ascii: "/") {
                selfClosing = input[index] == UInt8(ascii: "/")
                index += 1
            }
            guard index < input.count else { return nil }
            if input[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            selfClosing = false
            let attributeStart = index
            index += 1
            while index < input.count, !Self.endsName(input[index]), input[index] != UInt8(ascii: "=") { index += 1 }
            let attributeName = Self.lowercased(input[attributeStart..<index])
            while index < input.count, Self.isSpace(input[index]) { index += 1 }
            var value: [UInt8] = []
            if index < input.count, input[index] == UInt8(ascii: "=") {
                index += 1
                while index < input.count, Self.isSpace(input[index]) { index += 1 }
                guard index < input.count else { return nil }
                let quote = input[index]
                if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                    if let close = input[(index + 1)...].firstIndex(of: quote) {
                        value = Array(input[(index + 1)..<close])
                        index = close + 1
                    } else {
                        // An unclosed quote: the value ends at the next `>`, which also ends the tag.
                        guard let bracket = input[(index + 1)...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
                        value = Array(input[(index + 1)..<bracket])
                        index = bracket
                    }
                } else {
                    let valueStart = index
                    while index < input.count, !Self.isSpace(input[index]), input[index] != UInt8(ascii: ">") { index += 1 }
                    value = Array(input[valueStart..<index])
                }
            }
            if !isEnd { attributes.append(Attribute(name: attributeName, value: value)) }
        }
        position = index
        if isEnd { return .endTag(name: name) }
        if Self.rawTextElements.contains(name), !selfClosing { rawTextElement = Array(name.utf8) }
        return .startTag(name: name, attributes: attributes, selfClosing: selfClosing)
    }

    /// The raw text after a `script`/`style`/… start tag, up to `</name` (or the end).
    private mutating func rawText(until name: [UInt8]) -> Token? {
        let start = position
        var index = position
        while let open = input[index...].firstIndex(of: UInt8(ascii: "<")) {
            let nameStart = open + 2
            if open + 1 < input.count, input[open + 1] == UInt8(ascii: "/"), nameStart + name.count <= input.count,
                Self.lowercased(input[nameStart..<(nameStart + name.count)]) == String(decoding: name, as: UTF8.self),
                nameStart + name.count == input.count || Self.endsName(input[nameStart + name.count])
            {
                position = open
                return open > start ? .text(start..<open) : nil
            }
            index = open + 1
        }
        position = input.count
        return input.count > start ? .text(start..<input.count) : nil
    }

    private mutating func skipComment(from start: Int) {
        var index = start
        while index + 2 < input.count {
            if input[index] == UInt8(ascii: "-"), input[index + 1] == UInt8(ascii: "-") {
                if input[index + 2] == UInt8(ascii: ">") {
                    position = index + 3
                    return
                }
                if input[index + 2] == UInt8(ascii: "!"), index + 3 < input.count, input[index + 3] == UInt8(ascii: ">") {
                    position = index + 4
                    return
                }
            }
            index += 1
        }
        position = input.count
    }

    private mutating func skipPast(_ byte: UInt8, from start: Int) {
        if let found = input[min(start, input.count)...].firstIndex(of: byte) {
            position = found + 1
        } else {
            position = input.count
        }
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">")
    }

    static func lowercased(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
