/// Makes a rendered subject a mail subject: one line, trimmed, capped.
public enum SubjectLine {
    /// The longest subject written, in characters (an ellipsis ends a cut one).
    public static let maximumLength = 250

    /// Every run of whitespace and control characters (CR, LF, tab, U+2028, …) becomes one space;
    /// the result is trimmed and cut to `maximumLength` characters.
    public static func normalize(_ subject: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in subject.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator
            {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.unicodeScalars.append(" ")
                pendingSpace = false
            }
            result.unicodeScalars.append(scalar)
        }
        guard result.count > maximumLength else { return result }
        var cut = String(result.prefix(maximumLength - 1))
        while cut.last == " " { cut.removeLast() }
        return cut + "…"
    }
}
