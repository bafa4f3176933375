/// The sealed body of a `mail.sent` record: one recipient received one request's mail.
///
/// Sealed with the tenant's key for purpose `mail.sent`; the envelope id is
/// `<requestID>:<recipient blind index>`, stable across replays.
public struct MailSentEvent: Sendable, Codable, Equatable {
    public var tenant: String
    public var requestID: String
    public var messageID: String
    public var recipient: String
    public var issueKey: String?
    public var objectKey: String
    /// The SMTP server's final reply code (250).
    public var replyCode: Int
    /// When the server accepted the mail, ISO 8601 UTC.
    public var sentAt: String

    public init(
        tenant: String, requestID: String, messageID: String, recipient: String, issueKey: String?, objectKey: String, replyCode: Int,
        sentAt: String
    ) {
        self.tenant = tenant
        self.requestID = requestID
        self.messageID = messageID
        self.recipient = recipient
        self.issueKey = issueKey
        self.objectKey = objectKey
        self.replyCode = replyCode
        self.sentAt = sentAt
    }

    /// The envelope type of `mail.sent` records.
    public static let type = "mail.sent"
}
