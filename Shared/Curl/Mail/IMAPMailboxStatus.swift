/// What the server says about a mailbox when it is opened.
public struct IMAPMailboxStatus: Sendable, Hashable {
    /// `UIDVALIDITY`: UIDs seen under another value name other messages, or none.
    public var uidValidity: UInt32
    /// `EXISTS`: how many messages the mailbox holds.
    public var messageCount: Int
    /// `UIDNEXT`: at least the UID the next message will get; `nil` when the server did not say.
    public var uidNext: UInt32?

    public init(uidValidity: UInt32, messageCount: Int, uidNext: UInt32?) {
        self.uidValidity = uidValidity
        self.messageCount = messageCount
        self.uidNext = uidNext
    }
}
