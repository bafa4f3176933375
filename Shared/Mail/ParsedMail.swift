import Foundation

/// Everything Mailbridge reads from one message.
public struct ParsedMail: Sendable {
    /// The top-level header fields.
    public var headers: MailHeaders
    /// The MIME tree.
    public var root: MIMEPart
    /// Decoded (RFC 2047), whitespace-trimmed; nil when absent.
    public var subject: String?
    public var from: [MailAddress]
    public var sender: MailAddress?
    public var replyTo: [MailAddress]
    public var to: [MailAddress]
    public var cc: [MailAddress]
    /// The `Date` header as written.
    public var dateText: String?
    /// The `Date` header as an instant, when readable.
    public var date: Date?
    /// Without angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    /// Oldest first, as written.
    public var references: [String]
    /// The text body, line ends normalised to LF; derived from the HTML body when the message
    /// has no text part (then `textIsDerivedFromHTML` is true).
    public var textBody: String?
    public var textIsDerivedFromHTML: Bool
    /// The HTML body as sent (decoded to text, not sanitised).
    public var htmlBody: String?
    public var attachments: [MailAttachment]
    /// `cid:` references in the HTML body that no part provides.
    public var unresolvedContentIDs: [String]
    /// Everything the parser worked around.
    public var problems: [MailProblem]

    /// The first From address: who sent it, as far as the message says.
    public var primarySender: MailAddress? { from.first ?? sender }
}
