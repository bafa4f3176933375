/// What the renderer needs to know besides its connections.
public struct RendererSettings: Sendable {
    /// Topic names (with the deployment prefix) and their sealing purposes (without it).
    public struct Topics: Sendable {
        public var events: String
        public var outbound: String
        public var deadLetter: String
        public static let eventsPurpose = "jira.events"
        public static let outboundPurpose = "mail.outbound"

        public init(prefix: String = "") {
            events = prefix + Self.eventsPurpose
            outbound = prefix + Self.outboundPurpose
            deadLetter = prefix + Self.eventsPurpose + ".dlq"
        }
    }

    public var topics: Topics
    /// The `From` address when a scheme names none.
    public var defaultFrom: String
    /// The right-hand side of our Message-IDs, and of the per-issue thread roots.
    public var messageIDDomain: String
    /// The value of our loop marker header (`X-Mailbridge-Origin`), so our ingest ignores our mail.
    public var origin: String
    public var attachments: EventAttachments
    /// Attempts for an event failing in a way that may pass (Jira 5xx/429, database, broker),
    /// before it is dead-lettered.
    public var maximumAttempts: Int
    public var initialBackoff: Duration
    /// How long a produce may wait for the broker's acknowledgement.
    public var produceDeadline: Duration

    public init(
        topics: Topics = Topics(), defaultFrom: String, messageIDDomain: String, origin: String,
        attachments: EventAttachments = EventAttachments(), maximumAttempts: Int = 5, initialBackoff: Duration = .milliseconds(500),
        produceDeadline: Duration = .seconds(30)
    ) {
        self.topics = topics
        self.defaultFrom = defaultFrom
        self.messageIDDomain = messageIDDomain
        self.origin = origin
        self.attachments = attachments
        self.maximumAttempts = maximumAttempts
        self.initialBackoff = initialBackoff
        self.produceDeadline = produceDeadline
    }
}
