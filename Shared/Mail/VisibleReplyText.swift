/// The parts of a plain-text mail body: what the sender wrote now, and what was cut around it.
public struct VisibleReply: Sendable, Equatable {
    /// The new text, exactly as written apart from line ends and blank lines at either end; separate
    /// passages (as in an inline reply) are joined with a blank line. When nothing new is left it is
    /// the forwarded message, or else the quoted text (attribution included) with one level of `>`
    /// removed; so it is empty only for a body that holds nothing but a signature, or nothing at all.
    public var visible: String
    /// The quoted history that was cut, with its attribution or header block, if any. Separate
    /// quoted passages (as in an inline reply) are joined with a blank line.
    public var quoted: String?
    /// The signature that was cut (without its `-- ` separator line), if any.
    public var signature: String?
    /// The forwarded message, without its wrapper line and with one level of `>` removed when every
    /// line of it was quoted, if the mail forwards one.
    public var forwarded: String?

    public init(visible: String, quoted: String? = nil, signature: String? = nil, forwarded: String? = nil) {
        self.visible = visible
        self.quoted = quoted
        self.signature = signature
        self.forwarded = forwarded
    }
}

/// Separates the new text of a reply from quoted history, signatures and forwarded messages.
///
/// Recognised: `>`-quoted lines; attributions such as "On <date>, <name> wrote:" (also wrapped over
/// up to three lines) in English, German, French, Spanish, Dutch, Italian, Portuguese and the
/// Scandinavian languages; Outlook header blocks ("From:" then "Sent:"/"Date:" and "To:"/"Subject:",
/// and translations), `-----Original Message-----` and the `____…` line before such a block;
/// signatures (`-- `, a bare `--`, "Sent from my iPhone" and the like); forward wrappers
/// ("---------- Forwarded message ---------", "Begin forwarded message:", and translations).
///
/// Quoted passages between unquoted lines (an inline or bottom-posted reply) leave those lines
/// visible; a header block, separator or forward wrapper cuts everything after it. Line ends
/// become LF. Work is linear in the length of the text.
public struct VisibleReplyText: Sendable {
    /// The per-tenant delimiter; `nil` when none was given or it was blank.
    public let bodyDelimiter: String?

    /// - Parameter bodyDelimiter: a line such as `## Reply above this line ##`; the first line that
    ///   contains it (ignoring case and surrounding whitespace) and everything after it are cut as quoted.
    public init(bodyDelimiter: String? = nil) {
        let trimmed = bodyDelimiter.map(ReplyTextLines.compacted) ?? ""
        self.bodyDelimiter = trimmed.isEmpty ? nil : trimmed
    }

    /// Splits `text` into its visible reply and the parts cut from it.
    public func extract(from text: String) -> VisibleReply {
        let lines = ReplyTextLines.split(text)
        var roles = Array(repeating: LineRole.visible, count: lines.count)
        let end = delimiterLine(in: lines) ?? lines.count
        for index in end..<lines.count { roles[index] = .quoted }
        Self.markHistory(lines, end: end, roles: &roles)
        Self.markQuotedBlankLines(lines, roles: &roles)
        Self.markSignatures(lines, roles: &roles)

        let quoted = Self.text(of: .quoted, in: lines, roles: roles)
        let signature = Self.text(of: .signature, in: lines, roles: roles)
        var forwarded = Self.text(of: .forwarded, in: lines, roles: roles)
        if let message = forwarded {
            let messageLines = ReplyTextLines.split(message)
            if messageLines.allSatisfy({ ReplyTextLines.isBlank($0) || ReplyTextLines.isQuoted($0) }) {
                let unquoted = ReplyTextLines.joinTrimmingBlankLines(messageLines.map(ReplyTextLines.removingQuoteLevel)[...])
                forwarded = unquoted.isEmpty ? nil : unquoted
            }
        }
        var visible = Self.text(of: .visible, in: lines, roles: roles) ?? ""
        if visible.isEmpty {
            if let forwarded {
                visible = forwarded
            } else if let quoted {
                let unquoted = ReplyTextLines.split(quoted).map(ReplyTextLines.removingQuoteLevel)
                visible = ReplyTextLines.joinTrimmingBlankLines(unquoted[...])
            }
        }
        return VisibleReply(
            visible: visible,
            quoted: quoted,
            signature: signature,
            forwarded: forwarded
        )
    }

    // MARK: Steps

    enum LineRole: Equatable {
        case visible, quoted, signature, forwarded, dropped
    }

    /// The index of the first line holding the delimiter.
    private func delimiterLine(in lines: [String]) -> Int? {
        guard let bodyDelimiter else { return nil }
        let needle = bodyDelimiter.lowercased()
        return lines.firstIndex { ReplyTextLines.compacted($0).lowercased().contains(needle) }
    }

    /// Marks quoted lines, attributions with the quotes under them, and the history or forwarded
    /// message after a header block, separator or forward wrapper, in `lines[..<end]`.
    private static func markHistory(_ lines: [String], end: Int, roles: inout [LineRole]) {
        var index = 0
        while index < end {
            let line = lines[index]
            if ReplyTextLines.isQuoted(line) {
                roles[index] = .quoted
                index += 1
                continue
            }
            if ReplyTextLines.isBlank(line) {
                index += 1
                continue
            }
            var start: Int { precedingRule(lines, before: index, roles: roles) ?? index }
            if QuoteHeaderPatterns.isForwardWrapper(line) {
                for wrapper in start...index { roles[wrapper] = .dropped }
                for rest in (index + 1)..<end { roles[rest] = .forwarded }
                return
            }
            if QuoteHeaderPatterns.isOriginalMessageSeparator(line)
                || QuoteHeaderPatterns.isUnderscoreSeparator(in: lines, at: index, end: end)
                || QuoteHeaderPatterns.startsOutlookBlock(in: lines, at: index, end: end) {
                for rest in start..<end { roles[rest] = .quoted }
                return
            }
            if let attribution = QuoteHeaderPatterns.attribution(in: lines, at: index, end: end) {
                var next = index + attribution.lineCount
                while next < end, ReplyTextLines.isBlank(lines[next]) { next += 1 }
                if next < end, ReplyTextLines.isQuoted(lines[next]) {
                    // The quote under the attribution; unquoted lines after it are visible again.
                    for header in start..<next { roles[header] = .quoted }
                    index = next
                    continue
                }
                if next == end || QuoteHeaderPatterns.isSpecificAttribution(attribution.text) {
                    // An unprefixed quote: everything below the attribution.
                    for rest in start..<end { roles[rest] = .quoted }
                    return
                }
            }
            index += 1
        }
    }

    /// A visible rule line (`---`, `___`, `===`, `***`, three or more) right above `index`, blank lines
    /// apart: mail clients draw one above quoted history (Outlook's `<hr>`, for one).
    private static func precedingRule(_ lines: [String], before index: Int, roles: [LineRole]) -> Int? {
        var previous = index - 1
        while previous >= 0, roles[previous] == .visible, ReplyTextLines.isBlank(lines[previous]) { previous -= 1 }
        guard previous >= 0, roles[previous] == .visible, lines[previous].utf8.count <= 200 else { return nil }
        let rule = ReplyTextLines.compacted(lines[previous]).unicodeScalars
        guard rule.count >= 3, let first = rule.first, "-_=*".unicodeScalars.contains(first), rule.allSatisfy({ $0 == first }) else {
            return nil
        }
        return previous
    }

    /// Blank lines between two quoted lines belong to the quote.
    private static func markQuotedBlankLines(_ lines: [String], roles: inout [LineRole]) {
        var lastNonBlankRole: LineRole?
        var blankRun: [Int] = []
        for index in lines.indices {
            if ReplyTextLines.isBlank(lines[index]) {
                if roles[index] == .visible { blankRun.append(index) }
                continue
            }
            if roles[index] == .quoted, lastNonBlankRole == .quoted {
                for blank in blankRun { roles[blank] = .quoted }
            }
            blankRun.removeAll()
            lastNonBlankRole = roles[index]
        }
    }

    /// Marks the signature in each run of visible lines.
    private static func markSignatures(_ lines: [String], roles: inout [LineRole]) {
        let firstText = lines.firstIndex { !ReplyTextLines.isBlank($0) } ?? lines.count
        var index = 0
        while index < lines.count {
            guard roles[index] == .visible else {
                index += 1
                continue
            }
            var runEnd = index
            while runEnd < lines.count, roles[runEnd] == .visible { runEnd += 1 }
            if let signature = ReplySignatures.start(in: lines, range: index..<runEnd, textAbove: firstText < index) {
                for line in signature.index..<runEnd { roles[line] = .signature }
                if signature.dropsSeparator { roles[signature.index] = .dropped }
            }
            index = runEnd
        }
    }

    /// The runs of lines with `role`, each without blank lines at its ends, joined by a blank line;
    /// `nil` when there are none.
    private static func text(of role: LineRole, in lines: [String], roles: [LineRole]) -> String? {
        var parts: [String] = []
        var index = 0
        while index < lines.count {
            guard roles[index] == role else {
                index += 1
                continue
            }
            var runEnd = index
            while runEnd < lines.count, roles[runEnd] == role { runEnd += 1 }
            let part = ReplyTextLines.joinTrimmingBlankLines(lines[index..<runEnd])
            if !part.isEmpty { parts.append(part) }
            index = runEnd
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }
}
