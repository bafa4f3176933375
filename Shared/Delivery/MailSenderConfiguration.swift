/// What the sender needs to know besides its connections.
public struct MailSenderConfiguration: Sendable {
    public var topics: DeliveryTopics
    /// Retries of transient SMTP failures, and of failures to reach the database, the object
    /// store or the broker while handling a record.
    public var retry: RetryPolicy
    /// How long a tenant's SMTP settings are reused before they are read again.
    public var connectionCacheLifetime: Duration
    /// How long producing a `mail.sent` or DLQ record may wait for the broker's acknowledgement.
    public var produceDeadline: Duration
    /// SMTP timeouts per send.
    public var smtpTimeout: Duration
    public var smtpConnectTimeout: Duration
    /// A PEM CA file to trust for the tenants' SMTP servers instead of the system's (tests).
    public var smtpCAFile: String?

    public init(
        topics: DeliveryTopics = DeliveryTopics(), retry: RetryPolicy = RetryPolicy(), connectionCacheLifetime: Duration = .seconds(30),
        produceDeadline: Duration = .seconds(10), smtpTimeout: Duration = .seconds(120), smtpConnectTimeout: Duration = .seconds(15),
        smtpCAFile: String? = nil
    ) {
        self.topics = topics
        self.retry = retry
        self.connectionCacheLifetime = connectionCacheLifetime
        self.produceDeadline = produceDeadline
        self.smtpTimeout = smtpTimeout
        self.smtpConnectTimeout = smtpConnectTimeout
        self.smtpCAFile = smtpCAFile
    }
}
