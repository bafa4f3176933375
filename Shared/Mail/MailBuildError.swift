/// Why `MailBuilder` refused to build a mail: which field, and what is wrong with it.
///
/// The description names the field and the problem but never repeats the offending value, so it is
/// safe to log (values are addresses and subjects, which are personal data).
public struct MailBuildError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the field.
    public enum Problem: Sendable, Equatable {
        /// Contains CR or LF: written into a header it would start a new header (injection).
        case containsLineBreak
        /// An address without `@` or with nothing before or after it.
        case missingAtSign
        /// An address or identifier containing whitespace or control characters.
        case containsWhitespace
        /// An address whose local part is not ASCII (SMTPUTF8 is not supported).
        case nonASCIILocalPart
        /// An address whose domain is not ASCII; IDN domains must be given in punycode (`xn--…`).
        case nonASCIIDomain
        /// A local part that is not a dot-atom (`first.last`, no quoting, no `..`).
        case invalidLocalPart
        /// A domain that is not dot-separated labels of letters, digits, `-` and `_`.
        case invalidDomain
        /// A Message-ID or Content-ID that is empty or has characters other than printable ASCII
        /// without `<`, `>`.
        case invalidIdentifier
        /// A header field name that is empty, longer than 76 characters, or not printable ASCII
        /// without `:`.
        case invalidHeaderName
        /// An extra header that would duplicate one the builder writes itself, or a Bcc.
        case reservedHeaderName
        /// A content type that is not `type/subtype` (optionally followed by `;` parameters).
        case invalidContentType
        /// A value that must be printable ASCII but is not.
        case nonASCII
        /// Longer than the limit for this field (the number is the limit).
        case tooLong(limit: Int)
        /// Inline parts need an HTML body to refer to them.
        case inlinePartsWithoutHTML
        /// An inline part without a Content-ID cannot be referenced from the HTML.
        case missingContentID
    }

    /// The field, as a path into `OutboundMail` or the builder (`subject`, `to[1]`,
    /// `attachments[0].filename`, `extraHeaders[2].name`, `messageIDDomain`).
    public var field: String
    public var problem: Problem

    public init(field: String, problem: Problem) {
        self.field = field
        self.problem = problem
    }

    public var description: String {
        let what: String
        switch problem {
        case .containsLineBreak: what = "contains a line break (CR or LF)"
        case .missingAtSign: what = "is not an address of the form local@domain"
        case .containsWhitespace: what = "contains whitespace or control characters"
        case .nonASCIILocalPart: what = "has a non-ASCII local part, which needs SMTPUTF8 (not supported)"
        case .nonASCIIDomain: what = "has a non-ASCII domain; give IDN domains in punycode (xn--…)"
        case .invalidLocalPart: what = "has a local part that is not a dot-atom"
        case .invalidDomain: what = "has an invalid domain"
        case .invalidIdentifier: what = "is not a valid identifier (printable ASCII without <, > or spaces)"
        case .invalidHeaderName: what = "is not a valid header field name"
        case .reservedHeaderName: what = "names a header the builder sets itself"
        case .invalidContentType: what = "is not a content type of the form type/subtype"
        case .nonASCII: what = "must be printable ASCII"
        case .tooLong(let limit): what = "is longer than \(limit)"
        case .inlinePartsWithoutHTML: what = "needs an HTML body to refer to the inline parts"
        case .missingContentID: what = "is missing; inline parts need a Content-ID"
        }
        return "\(field) \(what)"
    }
}
