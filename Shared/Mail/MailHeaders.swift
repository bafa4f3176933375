/// One header field: its name as written and its value unfolded (CRLF + whitespace continuation
/// joined), still raw bytes so that 8-bit junk is decoded once, deliberately, by the reader.
public struct MailHeader: Sendable, Hashable {
    /// The field name as written (`Subject`, `content-type`, …).
    public var name: String
    /// The unfolded value without the leading space after the colon or the trailing line end.
    public var rawValue: [UInt8]

    public init(name: String, rawValue: [UInt8]) {
        self.name = name
        self.rawValue = rawValue
    }

    /// The value as text: UTF-8 when it is valid UTF-8, otherwise the bytes read as Windows-1252
    /// (what mail clients do with 8-bit junk). No RFC 2047 decoding.
    public var text: String {
        HeaderText.decodeRaw(rawValue).text
    }
}

/// The header fields of a message or a MIME part, in their original order. Duplicates are kept;
/// lookups are case-insensitive and return the first occurrence.
public struct MailHeaders: Sendable, Hashable, Sequence {
    public private(set) var fields: [MailHeader]

    public init(_ fields: [MailHeader] = []) {
        self.fields = fields
    }

    public func makeIterator() -> IndexingIterator<[MailHeader]> { fields.makeIterator() }

    public var isEmpty: Bool { fields.isEmpty }

    /// The first field named `name` (case-insensitive).
    public func first(_ name: String) -> MailHeader? {
        fields.first { HeaderText.namesEqual($0.name, name) }
    }

    /// Every field named `name`, in order.
    public func all(_ name: String) -> [MailHeader] {
        fields.filter { HeaderText.namesEqual($0.name, name) }
    }

    /// Whether a field named `name` is present (even with an empty value).
    public func contains(_ name: String) -> Bool { first(name) != nil }

    /// The first `name` field's value as text (8-bit junk decoded, no RFC 2047 decoding), trimmed.
    public func raw(_ name: String) -> String? {
        first(name).map { $0.text.trimmingWhitespace() }
    }

    /// The first `name` field's value as an unstructured text, RFC 2047 encoded words decoded.
    public func decoded(_ name: String) -> String? {
        first(name).map { EncodedWords.decode($0.text).text.trimmingWhitespace() }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n"
        }
        while start < end, isSpace(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isSpace(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        if start == scalars.startIndex && end == scalars.endIndex { return self }
        return String(scalars[start..<end])
    }
}
