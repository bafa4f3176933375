/// Makes sender-supplied file names safe to store and show.
public enum FilenameSanitizer {
    /// The longest name kept, in UTF-8 bytes; longer names are shortened keeping the extension.
    public static let maximumLength = 200

    /// A safe name: the last path component only (`/` and `\`), no control or bidi-override
    /// characters, no leading dots, no reserved Windows characters, trimmed. Nil when nothing is left.
    public static func sanitize(_ name: String) -> String? {
        var last = Substring(name)
        if let slash = last.lastIndex(where: { $0 == "/" || $0 == "\\" }) { last = last[last.index(after: slash)...] }
        var cleaned = String.UnicodeScalarView()
        for scalar in last.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F: continue
            case 0x3C, 0x3E, 0x3A, 0x22, 0x7C, 0x3F, 0x2A: cleaned.append("_")  // < > : " | ? *
            default: cleaned.append(scalar)
            }
        }
        var text = String(cleaned).trimmingWhitespace()
        while text.hasPrefix(".") { text.removeFirst() }
        while text.hasSuffix(".") || text.hasSuffix(" ") { text.removeLast() }
        text = text.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        return shorten(text)
    }

    /// Cuts to `maximumLength` UTF-8 bytes on a character boundary, keeping a short extension.
    private static func shorten(_ text: String) -> String {
        guard text.utf8.count > maximumLength else { return text }
        var stem = text
        var suffix = ""
        if let dot = text.lastIndex(of: "."), text.distance(from: dot, to: text.endIndex) <= 10 {
            stem = String(text[..<dot])
            suffix = String(text[dot...])
        }
        let budget = maximumLength - suffix.utf8.count
        var kept = ""
        for character in stem {
            if kept.utf8.count + character.utf8.count > budget { break }
            kept.append(character)
        }
        return kept + suffix
    }

    /// A name for a part that has none: `attachment-<n>.<extension for the type>`.
    static func generated(index: Int, contentType: MIMEContentType) -> String {
        "attachment-\(index)\(extensionFor(contentType))"
    }

    private static func extensionFor(_ type: MIMEContentType) -> String {
        switch type.mimeType {
        case "message/rfc822", "message/global": ".eml"
        case "text/plain": ".txt"
        case "text/html": ".html"
        case "text/calendar": ".ics"
        case "image/png": ".png"
        case "image/jpeg", "image/jpg", "image/pjpeg": ".jpg"
        case "image/gif": ".gif"
        case "image/webp": ".webp"
        case "application/pdf": ".pdf"
        case "application/zip": ".zip"
        case "message/delivery-status": ".txt"
        case "application/pgp-signature": ".asc"
        default: ".bin"
        }
    }
}
