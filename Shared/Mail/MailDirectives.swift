/// One instruction a sender embeds in a mail, such as `@priority=High` or `#component=VPN`.
public struct MailDirective: Sendable, Equatable, Codable {
    /// The key, lowercased: ASCII letters, digits, `.`, `_` and `-`.
    public var key: String
    /// The value as written (trimmed in bodies; unquoted in subjects); may be empty.
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Finds directives in mail bodies and subjects.
public enum MailDirectives {
    /// `@key=value` lines in a body (a line consisting of the directive only, optional surrounding
    /// whitespace; key = letters, digits, `.`, `_`, `-`; value = rest of line trimmed, may be empty,
    /// may contain spaces and `=`). Returns directives in order and the body without those lines.
    ///
    /// With no directive the body comes back unchanged. Otherwise other lines keep their exact text
    /// (line ends included), except that blank lines left next to each other by a removed line shrink
    /// to one, and blank lines left at the start or end by removed lines are dropped. Quoted lines (`> @key=value`) and addresses in
    /// running text (`write to a@b.com`) are not directives.
    public static func extract(fromBody body: String) -> (directives: [MailDirective], text: String) {
        // Split on LF scalars: a CR before it stays part of the line (and of the text returned).
        let lines = body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map(Substring.init)
        var directives: [MailDirective] = []
        var kept: [Substring] = []
        var removedSinceLastKept = false
        var removedSinceLastContent = false
        for line in lines {
            if let directive = bodyDirective(line) {
                directives.append(directive)
                removedSinceLastKept = true
                removedSinceLastContent = true
                continue
            }
            let blank = isBlank(line)
            if removedSinceLastKept, blank, kept.last.map(isBlank) ?? true { continue }
            kept.append(line)
            removedSinceLastKept = false
            if !blank { removedSinceLastContent = false }
        }
        guard !directives.isEmpty else { return ([], body) }
        if removedSinceLastContent {
            while let last = kept.last, isBlank(last) { kept.removeLast() }
        }
        return (directives, kept.map(String.init).joined(separator: "\n"))
    }

    /// `#key=value` tokens in a subject (value ends at whitespace, or is a double-quoted string);
    /// returns them and the subject without them (spaces collapsed, trimmed).
    ///
    /// A token starts at the beginning of the subject or after whitespace; `#123` and `#tag` (no `=`)
    /// stay in the subject. A quoted value that is never closed runs to the end of the subject.
    public static func extract(fromSubject subject: String) -> (directives: [MailDirective], subject: String) {
        let scalars = Array(subject.unicodeScalars)
        var directives: [MailDirective] = []
        var remaining = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let atTokenStart = index == 0 || scalars[index - 1].properties.isWhitespace
            if atTokenStart, scalars[index] == "#", let (directive, end) = subjectDirective(scalars, at: index) {
                directives.append(directive)
                index = end
                continue
            }
            remaining.append(scalars[index])
            index += 1
        }
        return (directives, collapsingWhitespace(String(remaining)))
    }

    // MARK: Parsing

    /// The directive a whole body line holds, if it is one.
    private static func bodyDirective(_ line: Substring) -> MailDirective? {
        let scalars = line.unicodeScalars
        guard var index = scalars.firstIndex(where: { !$0.properties.isWhitespace }), scalars[index] == "@" else { return nil }
        index = scalars.index(after: index)
        let keyStart = index
        while index < scalars.endIndex, isKeyScalar(scalars[index]) { index = scalars.index(after: index) }
        guard index > keyStart, index < scalars.endIndex, scalars[index] == "=" else { return nil }
        let key = String(scalars[keyStart..<index]).lowercased()
        let value = trimmed(String(scalars[scalars.index(after: index)...]))
        return MailDirective(key: key, value: value)
    }

    /// The directive whose `#` is at `start`, and the index after it.
    private static func subjectDirective(_ scalars: [Unicode.Scalar], at start: Int) -> (MailDirective, Int)? {
        var index = start + 1
        while index < scalars.count, isKeyScalar(scalars[index]) { index += 1 }
        guard index > start + 1, index < scalars.count, scalars[index] == "=" else { return nil }
        let key = String(String.UnicodeScalarView(scalars[(start + 1)..<index])).lowercased()
        index += 1
        if index < scalars.count, scalars[index] == "\"" {
            let valueStart = index + 1
            var end = valueStart
            while end < scalars.count, scalars[end] != "\"" { end += 1 }
            let value = String(String.UnicodeScalarView(scalars[valueStart..<end]))
            return (MailDirective(key: key, value: value), min(end + 1, scalars.count))
        }
        let valueStart = index
        while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
        return (MailDirective(key: key, value: String(String.UnicodeScalarView(scalars[valueStart..<index]))), index)
    }

    private static func isKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }

    private static func isBlank(_ line: Substring) -> Bool {
        line.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    private static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    private static func collapsingWhitespace(_ text: String) -> String {
        text.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map(String.init).joined(separator: " ")
    }
}
