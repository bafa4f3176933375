import Foundation

/// A JSON-ready digest of a parsed message: what `mailbridge mail parse` prints and what a
/// processing report records. Holds message content (subject, addresses, body), so treat it as PII.
public struct MailSummary: Sendable, Codable, Equatable {
    public struct Attachment: Sendable, Codable, Equatable {
        public var filename: String
        public var contentType: String
        public var size: Int
        public var sha256: String
        public var contentID: String?
        public var referencedFromHTML: Bool
    }

    public var subject: String?
    public var from: [MailAddress]
    public var to: [MailAddress]
    public var cc: [MailAddress]
    /// ISO 8601 in UTC when readable, else the header as written.
    public var date: String?
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var textBody: String?
    public var textIsDerivedFromHTML: Bool
    public var hasHTMLBody: Bool
    public var attachments: [Attachment]
    /// Charset trouble (a subset of `problems`, kept apart because it changes the text).
    public var charsetProblems: [String]
    public var problems: [String]
    /// Nil when a person wrote it.
    public var loop: LoopVerdict?

    public init(_ mail: ParsedMail, loop: LoopVerdict?) {
        subject = mail.subject
        from = mail.from
        to = mail.to
        cc = mail.cc
        date = mail.date.map { $0.formatted(.iso8601) } ?? mail.dateText
        messageID = mail.messageID
        inReplyTo = mail.inReplyTo
        references = mail.references
        textBody = mail.textBody
        textIsDerivedFromHTML = mail.textIsDerivedFromHTML
        hasHTMLBody = mail.htmlBody != nil
        attachments = mail.attachments.map {
            Attachment(
                filename: $0.filename, contentType: $0.contentType, size: $0.size, sha256: $0.sha256,
                contentID: $0.contentID, referencedFromHTML: $0.isReferencedFromHTML)
        }
        charsetProblems = mail.problems.filter { $0.kind == .charset }.map(\.description)
        problems = mail.problems.map(\.description)
        self.loop = loop
    }
}
