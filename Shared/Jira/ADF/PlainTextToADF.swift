/// Plain text to ADF: paragraphs on blank lines, hard breaks on single line ends, links for URLs.
enum PlainTextToADF {
    static func convert(_ text: String) -> ADFDocument {
        var cleaned = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                cleaned.append("\n")
                previousWasCR = true
                continue
            }
            defer { previousWasCR = false }
            if scalar == "\n" {
                if !previousWasCR { cleaned.append("\n") }
            } else if scalar == "\t" || (scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80...0x9F).contains(scalar.value)) {
                cleaned.append(scalar)
            }
        }
        var paragraphs: [ADFNode] = []
        var lines: [String] = []
        func finish() {
            defer { lines = [] }
            guard !lines.isEmpty else { return }
            var content: [ADFNode] = []
            for (index, line) in lines.enumerated() {
                if index > 0 { content.append(.hardBreak) }
                content += linkified(line)
            }
            paragraphs.append(.paragraph(content))
        }
        for line in String(cleaned).split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(line)
            while let last = line.last, last == " " || last == "\t" { line.removeLast() }
            if line.isEmpty {
                finish()
            } else {
                lines.append(String(line))
            }
        }
        finish()
        return ADFDocument(content: paragraphs)
    }

    /// `line` as text nodes, URLs carrying a link mark.
    static func linkified(_ line: String) -> [ADFNode] {
        var nodes: [ADFNode] = []
        var rest = Substring(line)
        while let (range, url) = firstURL(in: rest) {
            if range.lowerBound > rest.startIndex { nodes.append(.text(String(rest[..<range.lowerBound]))) }
            nodes.append(.text(url, marks: [.link(url)]))
            rest = rest[range.upperBound...]
        }
        if !rest.isEmpty { nodes.append(.text(String(rest))) }
        return nodes
    }

    private static let schemes = ["https://", "http://", "mailto:"]

    /// The first URL in `text` that starts a word, without trailing punctuation (a closing
    /// bracket is kept when the URL opened it).
    private static func firstURL(in text: Substring) -> (Range<Substring.Index>, String)? {
        var index = text.startIndex
        while index < text.endIndex {
            let startsWord = index == text.startIndex || !(text[text.index(before: index)].isLetter || text[text.index(before: index)].isNumber)
            if startsWord, let scheme = schemes.first(where: { hasPrefixIgnoringCase(text[index...], $0) }) {
                var end = text.index(index, offsetBy: scheme.count)
                while end < text.endIndex, !text[end].isWhitespace, !"<>\"`{}|\\^".contains(text[end]) {
                    end = text.index(after: end)
                }
                var url = text[index..<end]
                while let last = url.last {
                    if ".,;:!?'*".contains(last) {
                        url = url.dropLast()
                    } else if last == ")", url.filter({ $0 == "(" }).count < url.filter({ $0 == ")" }).count {
                        url = url.dropLast()
                    } else if last == "]", url.filter({ $0 == "[" }).count < url.filter({ $0 == "]" }).count {
                        url = url.dropLast()
                    } else {
                        break
                    }
                }
                if url.count > scheme.count {
                    return (index..<url.endIndex, String(url))
                }
                index = end > index ? end : text.index(after: index)
                continue
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func hasPrefixIgnoringCase(_ text: Substring, _ prefix: String) -> Bool {
        var position = text.startIndex
        for expected in prefix {
            guard position < text.endIndex, text[position].lowercased() == String(expected) else { return false }
            position = text.index(after: position)
        }
        return true
    }
}
