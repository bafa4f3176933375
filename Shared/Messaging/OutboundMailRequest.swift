/// The sealed body of a `mail.outbound` record: one rendered mail, kept sealed in the object
/// store, to be sent to each of `recipients` in its own SMTP transaction.
///
/// The mail itself never travels on the topic, only the key of its sealed object. A recipient
/// receives a request's mail at most once: the sender keys each delivery by
/// (`tenant`, `requestID`, recipient).
public struct OutboundMailRequest: Sendable, Codable, Equatable {
    /// What produced the mail.
    public enum Kind: String, Sendable, Codable {
        /// A Jira event matched a notification scheme (`mailbridge-renderer`).
        case notification
        /// A plan-usage alert to the tenant's billing and system-notification contacts.
        case usageAlert = "usage-alert"
    }

    /// Our tenant id.
    public var tenant: String
    /// Stable for one rendering of one event: the event id for notifications. Replays reuse it.
    public var requestID: String
    public var kind: Kind
    /// Where the sealed RFC 5322 message is (sealed for the tenant with purpose ``objectPurpose``).
    public var objectKey: String
    /// The `Message-ID` of the stored message, without angle brackets.
    public var messageID: String
    /// The `MAIL FROM` address.
    public var envelopeFrom: String
    /// Every `RCPT TO` address, each delivered separately.
    public var recipients: [String]
    /// The subject, kept for the outbound audit (sealed there).
    public var subject: String
    /// The size of the (unsealed) message in bytes, counted against the plan.
    public var byteCount: Int
    /// The Jira issue the mail is about, when there is one.
    public var issueKey: String?

    /// The sealing purpose of the stored message objects.
    public static let objectPurpose = "sent-mail"

    public init(
        tenant: String, requestID: String, kind: Kind, objectKey: String, messageID: String, envelopeFrom: String,
        recipients: [String], subject: String, byteCount: Int, issueKey: String? = nil
    ) {
        self.tenant = tenant
        self.requestID = requestID
        self.kind = kind
        self.objectKey = objectKey
        self.messageID = messageID
        self.envelopeFrom = envelopeFrom
        self.recipients = recipients
        self.subject = subject
        self.byteCount = byteCount
        self.issueKey = issueKey
    }
}
