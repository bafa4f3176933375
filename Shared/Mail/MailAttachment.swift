/// A part that is not one of the message's bodies: a file, an inline image, an attached message.
public struct MailAttachment: Sendable {
    /// Safe to use as a file name: no path, no control characters, at most 200 bytes, never empty
    /// (generated from the content type when the sender gave none).
    public var filename: String
    /// The name as the sender declared it (decoded), if any.
    public var declaredFilename: String?
    /// `type/subtype`.
    public var contentType: String
    /// Decoded size in bytes.
    public var size: Int
    /// SHA-256 of the decoded content, lowercase hex.
    public var sha256: String
    /// The `Content-ID` without brackets, if any.
    public var contentID: String?
    /// Whether the HTML body refers to it with `cid:`.
    public var isReferencedFromHTML: Bool
    /// Whether the sender marked it `Content-Disposition: inline`.
    public var isInline: Bool
    /// The MIME part, for streaming the content (`part.decodeBody(into:)`).
    public var part: MIMEPart
}
