/// Why decoded text may not be what the sender meant: the label was unknown, wrong, or the bytes were
/// invalid in it.
public struct CharsetProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The label names no charset we know; the bytes were decoded as `used`.
        case unknownCharset
        /// Some bytes are invalid in the charset; each invalid sequence became U+FFFD.
        case invalidBytes
        /// The bytes do not fit the label (or, with no label, are not ASCII or UTF-8); decoded as `used`.
        case mislabeled
    }

    public var kind: Kind
    /// The label as declared (without surrounding quotes and whitespace); nil when none was declared.
    public var declared: String?
    /// The canonical name of the charset the bytes were decoded with.
    public var used: String
    /// One sentence for logs, e.g. `charset "x-foo" is unknown; decoded as windows-1252`.
    public var description: String

    /// A problem whose `description` is written from the other fields.
    public init(kind: Kind, declared: String?, used: String) {
        self.kind = kind
        self.declared = declared
        self.used = used
        let label = declared.map { "charset \"\($0)\"" } ?? "no charset declared"
        switch kind {
        case .unknownCharset:
            description = "\(label) is unknown; decoded as \(used)"
        case .invalidBytes:
            description = "\(label) has bytes invalid in \(used); they became U+FFFD"
        case .mislabeled:
            description = declared == nil
                ? "\(label) and the bytes are not UTF-8; decoded as \(used)"
                : "\(label) does not match the bytes; decoded as \(used)"
        }
    }
}
