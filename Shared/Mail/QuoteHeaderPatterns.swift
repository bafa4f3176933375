/// Recognises the lines mail clients put above quoted or forwarded text, in several languages.
enum QuoteHeaderPatterns {
    // MARK: Attribution ("On …, … wrote:")

    /// An attribution line ("On <date>, <name> wrote:" and its translations) starting at `index`,
    /// possibly wrapped over up to three lines: how many lines it takes and its text on one line.
    /// Lines considered are unquoted and not blank, and together at most 400 bytes long.
    static func attribution(in lines: [String], at index: Int, end: Int) -> (lineCount: Int, text: String)? {
        var length = 0
        for count in 1...3 {
            let last = index + count - 1
            guard last < end else { return nil }
            length += lines[last].utf8.count + 1
            guard length <= 400 else { return nil }
            guard endsWithColon(lines[last]) else {
                guard !ReplyTextLines.isQuoted(lines[last]), !ReplyTextLines.isBlank(lines[last]) else { return nil }
                continue
            }
            guard !lines[index...last].contains(where: { ReplyTextLines.isQuoted($0) || ReplyTextLines.isBlank($0) }) else { return nil }
            let text = ReplyTextLines.compacted(lines[index...last].joined(separator: " "))
            if isAttribution(text) { return (count, text) }
        }
        return nil
    }

    /// Whether `text` (one line, whitespace compacted) reads as an attribution in a known language.
    static func isAttribution(_ text: String) -> Bool {
        let lower = text.lowercased()
        guard lower.contains(where: { $0.isNumber || $0 == "@" }) else { return false }
        func starts(_ prefix: String, endsWith suffixes: String..., containing middle: String? = nil) -> Bool {
            guard lower.hasPrefix(prefix), suffixes.contains(where: { lower.hasSuffix($0) }) else { return false }
            return middle.map { lower.contains($0) } ?? true
        }
        return starts("on ", endsWith: "wrote:")
            || starts("am ", endsWith: ":", containing: " schrieb ")
            || starts("le ", endsWith: "a écrit :", "a écrit:")
            || starts("el ", endsWith: "escribió:", "escribió :")
            || starts("op ", endsWith: ":", containing: " schreef ")
            || starts("op ", endsWith: "het volgende geschreven:")
            || starts("il ", endsWith: "ha scritto:")
            || starts("em ", endsWith: "escreveu:")
            || (lower.contains(" skrev ") && lower.hasSuffix(":"))
    }

    /// Whether an attribution names a mail address or a time of day, which plain sentences rarely do.
    static func isSpecificAttribution(_ text: String) -> Bool {
        if text.contains("@") { return true }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 4 else { return false }
        for index in 0..<(scalars.count - 3) where isDigit(scalars[index]) && (scalars[index + 1] == ":" || scalars[index + 1] == ".") {
            if isDigit(scalars[index + 2]), isDigit(scalars[index + 3]) { return true }
        }
        return false
    }

    // MARK: Outlook

    /// Whether an Outlook header block starts at `index`: a "From:" line followed within six lines by
    /// a "Sent:"/"Date:" line and a "To:"/"Subject:" line (or their translations).
    static func startsOutlookBlock(in lines: [String], at index: Int, end: Int) -> Bool {
        guard mayBeHeaderField(lines[index]), let from = headerField(lines[index]), fromLabels.contains(from.label), !from.value.isEmpty else { return false }
        var sawDate = false
        var sawRecipientOrSubject = false
        for next in (index + 1)..<min(end, index + 7) {
            guard let field = headerField(lines[next]) else { continue }
            sawDate = sawDate || dateLabels.contains(field.label)
            sawRecipientOrSubject = sawRecipientOrSubject || recipientOrSubjectLabels.contains(field.label)
            if sawDate, sawRecipientOrSubject { return true }
        }
        return false
    }

    /// Outlook's `________________________________` line, when a "From:" line follows within three lines.
    static func isUnderscoreSeparator(in lines: [String], at index: Int, end: Int) -> Bool {
        guard lines[index].unicodeScalars.first(where: { $0 != " " && $0 != "\t" }) == "_" else { return false }
        let line = ReplyTextLines.compacted(lines[index])
        guard line.unicodeScalars.count >= 20, line.unicodeScalars.allSatisfy({ $0 == "_" }) else { return false }
        for next in (index + 1)..<min(end, index + 4) where !ReplyTextLines.isBlank(lines[next]) {
            guard let field = headerField(lines[next]) else { return false }
            return fromLabels.contains(field.label)
        }
        return false
    }

    /// A line such as `From: Ada`, `*Von:* Ada` or `De : Ada`: the label lowercased (at most 20
    /// characters, spaces and asterisks around it removed) and the value.
    static func headerField(_ line: String) -> (label: String, value: String)? {
        guard mayBeHeaderField(line) else { return nil }
        var scalars = Substring(ReplyTextLines.compacted(line)).unicodeScalars
        while scalars.first == "*" { scalars.removeFirst() }
        guard let colon = scalars.prefix(24).firstIndex(of: ":") else { return nil }
        let label = String(scalars[..<colon]).trimmingEdges { $0 == " " || $0 == "*" }.lowercased()
        let value = String(scalars[scalars.index(after: colon)...]).trimmingEdges { $0 == " " || $0 == "*" }
        guard !label.isEmpty, label.unicodeScalars.count <= 20 else { return nil }
        return (label, value)
    }

    /// A cheap test: a colon among the first 40 characters after leading whitespace.
    private static func mayBeHeaderField(_ line: String) -> Bool {
        line.unicodeScalars.drop { $0 == " " || $0 == "\t" }.prefix(40).contains(":")
    }

    private static let fromLabels: Set<String> = ["from", "von", "de", "van", "da", "från", "fra"]

    private static let dateLabels: Set<String> = [
        "sent", "date", "gesendet", "datum", "envoyé", "enviado", "enviada", "fecha", "data",
        "verzonden", "verstuurd", "inviato", "skickat", "sendt", "dato",
    ]

    private static let recipientOrSubjectLabels: Set<String> = [
        "to", "cc", "subject", "an", "betreff", "à", "a", "objet", "para", "asunto", "aan", "onderwerp",
        "oggetto", "assunto", "till", "ämne", "til", "emne",
    ]

    // MARK: Separators and forward wrappers

    /// Outlook's `-----Original Message-----` (dashes hugging the words) and its translations.
    static func isOriginalMessageSeparator(_ line: String) -> Bool {
        guard let banner = banner(line), banner.dashed, !banner.spaced else { return false }
        return originalMessagePhrases.contains(banner.phrase)
    }

    /// A line that introduces a forwarded message: Gmail's `---------- Forwarded message ---------`,
    /// Apple Mail's `Begin forwarded message:`, Thunderbird's `-------- Original Message --------`
    /// (dashes set off by spaces), and their translations.
    static func isForwardWrapper(_ line: String) -> Bool {
        guard let banner = banner(line) else { return false }
        if forwardPhrases.contains(banner.phrase) { return true }
        return banner.dashed && banner.spaced && originalMessagePhrases.contains(banner.phrase)
    }

    /// A short line that starts with a dash or ends with a colon: its words without surrounding
    /// dashes or the final colon, lowercased; whether dashes
    /// surrounded them and whether a space separated them from the dashes.
    private static func banner(_ line: String) -> (phrase: String, dashed: Bool, spaced: Bool)? {
        guard line.utf8.count <= 120,
              line.unicodeScalars.first(where: { $0 != " " && $0 != "\t" }) == "-" || endsWithColon(line) else { return nil }
        let compact = ReplyTextLines.compacted(line).replacingAll("’", with: "'")
        let scalars = compact.unicodeScalars
        let leadingDashes = scalars.prefix { $0 == "-" }.count
        let trailingDashes = scalars.reversed().prefix { $0 == "-" }.count
        guard leadingDashes < scalars.count else { return nil }
        let inner = String(scalars.dropFirst(leadingDashes).dropLast(trailingDashes))
        var phrase = inner.trimmingEdges { $0 == " " }
        if phrase.hasSuffix(":") { phrase = String(phrase.dropLast()).trimmingEdges { $0 == " " } }
        let dashed = leadingDashes >= 2 && trailingDashes >= 2
        return (phrase.lowercased(), dashed, inner.hasPrefix(" "))
    }

    private static let originalMessagePhrases: Set<String> = [
        "original message", "ursprüngliche nachricht", "original-nachricht", "message d'origine", "message original",
        "mensaje original", "oorspronkelijk bericht", "messaggio originale", "mensagem original",
        "originalmeddelande", "ursprungligt meddelande", "opprinnelig melding", "oprindelig meddelelse",
    ]

    private static let forwardPhrases: Set<String> = [
        "forwarded message", "begin forwarded message",
        "weitergeleitete nachricht", "anfang der weitergeleiteten nachricht",
        "message transféré", "début du message réexpédié", "début du message transféré",
        "mensaje reenviado", "inicio del mensaje reenviado",
        "doorgestuurd bericht", "begin doorgestuurd bericht",
        "messaggio inoltrato", "inizio messaggio inoltrato",
        "mensagem encaminhada", "mensagem reencaminhada", "início da mensagem encaminhada", "início da mensagem reencaminhada",
        "vidarebefordrat meddelande", "vidarebefordrat brev", "vidarebefordrat mejl",
        "videresendt melding", "videresendt e-post", "videresendt meddelelse", "videresendt besked",
        "start på videresendt besked",
    ]

    private static func endsWithColon(_ line: String) -> Bool {
        line.unicodeScalars.last { !$0.properties.isWhitespace } == ":"
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }
}

extension String {
    /// The string without leading and trailing characters matching `isEdge`.
    fileprivate func trimmingEdges(_ isEdge: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isEdge($0) }), let last = scalars.lastIndex(where: { !isEdge($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }

    fileprivate func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
