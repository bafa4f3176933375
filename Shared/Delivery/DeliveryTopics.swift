/// The topics the sender reads and writes, each with the deployment's prefix, and the sealing
/// purposes of their bodies (the unprefixed names).
public struct DeliveryTopics: Sendable, Equatable {
    public static let outboundPurpose = "mail.outbound"
    public static let sentPurpose = "mail.sent"
    public static let deadLetterPurpose = "mail.outbound.dlq"

    /// `mail.outbound`: rendered mails to send.
    public var outbound: String
    /// `mail.sent`: one sealed ``MailSentEvent`` per delivered recipient.
    public var sent: String
    /// `mail.outbound.dlq`: ``DeadLetter`` records.
    public var deadLetter: String

    /// The DESIGN §2 names behind `prefix` (e.g. `staging.`).
    public init(prefix: String = "") {
        outbound = prefix + Self.outboundPurpose
        sent = prefix + Self.sentPurpose
        deadLetter = prefix + Self.deadLetterPurpose
    }

    /// Explicit names (tests use a topic of their own per test).
    public init(outbound: String, sent: String, deadLetter: String) {
        self.outbound = outbound
        self.sent = sent
        self.deadLetter = deadLetter
    }
}
