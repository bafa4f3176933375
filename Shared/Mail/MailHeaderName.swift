/// Header names Mailbridge reads or writes, in one place.
public enum MailHeaderName {
    /// Set on every mail Mailbridge sends; inbound mail carrying it is our own mail coming back
    /// (a loop). The value is the sending installation's identifier.
    public static let outboundMarker = "X-Mailbridge-Origin"
    public static let autoSubmitted = "Auto-Submitted"
    public static let autoResponseSuppress = "X-Auto-Response-Suppress"
    public static let precedence = "Precedence"
    public static let listID = "List-Id"
    public static let listUnsubscribe = "List-Unsubscribe"
    public static let returnPath = "Return-Path"
    public static let messageID = "Message-ID"
    public static let inReplyTo = "In-Reply-To"
    public static let references = "References"
}
