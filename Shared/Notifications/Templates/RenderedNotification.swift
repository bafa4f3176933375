/// A notification rendered for one view: what goes into `OutboundMail`'s subject and bodies.
public struct RenderedNotification: Sendable, Equatable {
    /// One line: no CR, LF or tab, trimmed, at most `SubjectLine.maximumLength` characters.
    public var subject: String
    public var text: String
    public var html: String

    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}
