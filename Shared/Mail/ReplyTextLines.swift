/// Line helpers for reading plain-text mail bodies.
enum ReplyTextLines {
    /// The lines of `text`; CRLF and lone CR count as LF. Always at least one (possibly empty) line.
    static func split(_ text: String) -> [String] {
        let bytes = text.utf8
        var lines: [String] = []
        var start = bytes.startIndex
        var index = start
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                index = bytes.index(after: index)
                continue
            }
            // Line ends are ASCII, so these indices fall on character boundaries.
            lines.append(String(text[start..<index]))
            index = bytes.index(after: index)
            if byte == UInt8(ascii: "\r"), index < bytes.endIndex, bytes[index] == UInt8(ascii: "\n") {
                index = bytes.index(after: index)
            }
            start = index
        }
        lines.append(String(text[start..<bytes.endIndex]))
        return lines
    }

    /// Whether the line is quoted: its first character after spaces or tabs is `>`.
    static func isQuoted(_ line: String) -> Bool {
        for scalar in line.unicodeScalars {
            if scalar == " " || scalar == "\t" { continue }
            return scalar == ">"
        }
        return false
    }

    /// Whether the line holds only whitespace (no-break spaces included).
    static func isBlank(_ line: String) -> Bool {
        line.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// The line with one level of quoting removed: leading spaces, one `>` and one space after it.
    static func removingQuoteLevel(_ line: String) -> String {
        let scalars = line.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex, scalars[index] == " " || scalars[index] == "\t" { index = scalars.index(after: index) }
        guard index < scalars.endIndex, scalars[index] == ">" else { return line }
        index = scalars.index(after: index)
        if index < scalars.endIndex, scalars[index] == " " { index = scalars.index(after: index) }
        return String(scalars[index...])
    }

    /// The lines without blank lines at either end, joined with LF.
    static func joinTrimmingBlankLines(_ lines: ArraySlice<String>) -> String {
        guard let first = lines.firstIndex(where: { !isBlank($0) }), let last = lines.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return lines[first...last].joined(separator: "\n")
    }

    /// The line with whitespace runs (no-break spaces included) turned into single spaces and trimmed.
    static func compacted(_ line: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in line.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(scalar)
        }
        return String(result)
    }
}
