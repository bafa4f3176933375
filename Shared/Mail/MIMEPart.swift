/// One node of a message's MIME tree. Leaves point into the message bytes; nothing is decoded
/// until asked, so a large message is held once.
public struct MIMEPart: Sendable {
    /// The part's own header fields (for the root, the message headers).
    public var headers: MailHeaders
    /// The declared type, or the RFC 2045 default when absent or unreadable.
    public var contentType: MIMEContentType
    public var transferEncoding: TransferEncoding
    public var disposition: MIMEContentDisposition?
    /// The `Content-ID` without angle brackets.
    public var contentID: String?
    /// Sub-parts of a multipart, or the one embedded message of a `message/rfc822` part.
    public var children: [MIMEPart]
    /// `1.2` style position in the tree; empty for the root.
    public var path: String
    /// The bytes the body lies in (the message, or a decoded embedded message).
    let source: MailBytes
    /// The raw (still transfer-encoded) body inside `source`.
    public let bodyRange: Range<Int>

    /// The size of the raw, transfer-encoded body.
    public var encodedSize: Int { bodyRange.count }

    /// Where this part is, for problem reports.
    var location: String { path.isEmpty ? "message" : "part \(path)" }

    /// The body with its transfer encoding undone.
    public func decodedBody() -> [UInt8] {
        decodedBodyCheckingDamage().bytes
    }

    /// The decoded body, and whether the transfer encoding was damaged.
    func decodedBodyCheckingDamage() -> (bytes: [UInt8], damaged: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(transferEncoding == .base64 ? bodyRange.count / 4 * 3 : bodyRange.count)
        var decoder = TransferDecoder(transferEncoding)
        source.bytes.withUnsafeBufferPointer { buffer in
            decoder.feed(UnsafeBufferPointer(rebasing: buffer[bodyRange]), into: &output)
        }
        decoder.finish(into: &output)
        return (output, decoder.hadJunk)
    }

    /// Streams the decoded body in chunks (about 48 KiB each) without holding it whole; use it to
    /// write an attachment to a file or the object store. Returns whether the encoding was damaged.
    @discardableResult
    public func decodeBody(chunkSize: Int = 64 * 1024, into sink: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows -> Bool {
        var decoder = TransferDecoder(transferEncoding)
        var output: [UInt8] = []
        output.reserveCapacity(chunkSize)
        try source.bytes.withUnsafeBufferPointer { buffer in
            var start = bodyRange.lowerBound
            while start < bodyRange.upperBound {
                let end = min(start + chunkSize, bodyRange.upperBound)
                output.removeAll(keepingCapacity: true)
                decoder.feed(UnsafeBufferPointer(rebasing: buffer[start..<end]), into: &output)
                if !output.isEmpty { try output.withUnsafeBufferPointer { try sink($0) } }
                start = end
            }
        }
        output.removeAll(keepingCapacity: true)
        decoder.finish(into: &output)
        if !output.isEmpty { try output.withUnsafeBufferPointer { try sink($0) } }
        return decoder.hadJunk
    }

    /// Every part of the tree, depth first, this one included.
    public func allParts() -> [MIMEPart] {
        var result: [MIMEPart] = []
        func visit(_ part: MIMEPart) {
            result.append(part)
            part.children.forEach(visit)
        }
        visit(self)
        return result
    }
}
