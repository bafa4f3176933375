/// Finds where a signature begins in a run of reply lines.
enum ReplySignatures {
    /// Where the signature in `lines[range]` begins, and whether that first line is a separator to drop;
    /// `textAbove` tells whether any non-blank line precedes the range.
    ///
    /// A signature starts at the first RFC 3676 separator line `-- `, at a bare `--` line with text
    /// above it and at most 20 non-blank lines below, or at a "Sent from my iPhone"-style line (in one
    /// of several languages) that only blank lines follow.
    static func start(in lines: [String], range: Range<Int>, textAbove: Bool) -> (index: Int, dropsSeparator: Bool)? {
        var nonBlankAfter = Array(repeating: 0, count: range.count + 1)
        for offset in stride(from: range.count - 1, through: 0, by: -1) {
            nonBlankAfter[offset] = nonBlankAfter[offset + 1] + (ReplyTextLines.isBlank(lines[range.lowerBound + offset]) ? 0 : 1)
        }
        var contentBefore = textAbove
        for index in range {
            let line = lines[index]
            let following = nonBlankAfter[index - range.lowerBound + 1]
            if line == "-- " { return (index, true) }
            if contentBefore, following <= 20, line.hasPrefix("--"), line.trimmingTrailingWhitespace() == "--" { return (index, true) }
            if following == 0, isDeviceSignature(line) { return (index, false) }
            contentBefore = contentBefore || !ReplyTextLines.isBlank(line)
        }
        return nil
    }

    /// Whether the line reads like a sign-off a mail app adds: "Sent from my iPhone", "Get Outlook for iOS",
    /// "Von meinem iPhone gesendet", "Envoyé de mon iPhone", …
    static func isDeviceSignature(_ line: String) -> Bool {
        guard line.utf8.count <= 120 else { return false }
        let lower = ReplyTextLines.compacted(line).lowercased()
        return devicePrefixes.contains { lower.hasPrefix($0) }
    }

    private static let devicePrefixes = [
        "sent from my ", "sent from ", "sent with ", "sent via ", "sent using ", "get outlook for ", "download outlook for ",
        "von meinem ", "gesendet von ", "gesendet mit ",
        "envoyé de mon ", "envoyé depuis ", "envoyé à partir de ", "obtenir outlook pour ",
        "enviado desde mi ", "enviado desde ", "enviado do meu ", "enviado de meu ", "enviado do ",
        "verzonden vanaf mijn ", "verstuurd vanaf mijn ", "verzonden met ",
        "inviato da ", "skickat från ", "sendt fra ",
    ]
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[...last])
    }
}
