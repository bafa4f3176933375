/// A mail to send, before it is turned into bytes by `MailBuilder`.
///
/// Text is given as Swift strings (any line endings); the builder encodes, folds and validates.
/// With neither `textBody` nor `htmlBody` the mail has an empty text/plain body.
public struct OutboundMail: Sendable, Equatable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var replyTo: [MailAddress]
    public var subject: String
    public var textBody: String?
    public var htmlBody: String?
    /// Images and other parts the HTML refers to as `cid:<contentID>`; each needs a `contentID`.
    public var inlineParts: [OutboundAttachment]
    public var attachments: [OutboundAttachment]
    public var threading: MailThreading?
    /// Written after the builder's own headers, in order. They may not replace a header the
    /// builder writes (see `MailBuildError.Problem.reservedHeaderName`).
    public var extraHeaders: [OutboundHeader]

    public init(
        from: MailAddress,
        to: [MailAddress],
        cc: [MailAddress] = [],
        replyTo: [MailAddress] = [],
        subject: String,
        textBody: String? = nil,
        htmlBody: String? = nil,
        inlineParts: [OutboundAttachment] = [],
        attachments: [OutboundAttachment] = [],
        threading: MailThreading? = nil,
        extraHeaders: [OutboundHeader] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.inlineParts = inlineParts
        self.attachments = attachments
        self.threading = threading
        self.extraHeaders = extraHeaders
    }
}

/// A file carried by a mail: an attachment, or an inline part the HTML refers to.
///
/// The data is sent byte for byte (base64). An empty `filename` writes no filename parameter.
public struct OutboundAttachment: Sendable, Equatable {
    /// The name shown to the recipient; any Unicode, at most 255 UTF-8 bytes.
    public var filename: String
    /// `type/subtype`, optionally with parameters (`text/csv; charset=utf-8`).
    public var contentType: String
    /// Without angle brackets; required for inline parts, which the HTML cites as `cid:<contentID>`.
    public var contentID: String?
    public var data: [UInt8]

    public init(filename: String, contentType: String, contentID: String? = nil, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.contentID = contentID
        self.data = data
    }
}

/// A header the caller adds to a mail (`List-Unsubscribe`, `X-Jira-Issue`, …).
///
/// The value is written as given when it is printable ASCII (folded at spaces, leading and trailing
/// whitespace dropped) and as RFC 2047 encoded words otherwise.
public struct OutboundHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
