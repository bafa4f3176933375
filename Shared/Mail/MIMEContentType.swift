/// A `Content-Type`: `type/subtype` and its parameters.
public struct MIMEContentType: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Lowercased (`text`, `multipart`, `application`, …).
    public var type: String
    /// Lowercased (`plain`, `mixed`, `octet-stream`, …).
    public var subtype: String
    /// Parameter names lowercased; values decoded (RFC 2231 and RFC 2047).
    public var parameters: [String: String]

    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    /// `text/plain; charset=us-ascii`, the RFC 2045 default.
    public static let defaultText = MIMEContentType(type: "text", subtype: "plain")
    /// `message/rfc822`, the default inside `multipart/digest`.
    static let defaultDigestPart = MIMEContentType(type: "message", subtype: "rfc822")

    /// `type/subtype`.
    public var mimeType: String { "\(type)/\(subtype)" }
    public var description: String { mimeType }

    public var isMultipart: Bool { type == "multipart" }
    public var isText: Bool { type == "text" }
    /// An embedded message (`message/rfc822`, `message/global`).
    public var isEmbeddedMessage: Bool { type == "message" && (subtype == "rfc822" || subtype == "global") }
    public var charset: String? { parameters["charset"] }
    public var boundary: String? { parameters["boundary"] }

    /// Parses a header value. A value without a usable `type/subtype` yields nil (the caller
    /// falls back to the default and reports it).
    init?(headerValue: String, problems: inout [String]) {
        let parsed = MIMEParameters(parsing: headerValue)
        problems.append(contentsOf: parsed.problems)
        let pieces = parsed.value.split(separator: "/", maxSplits: 1)
        guard pieces.count == 2 else { return nil }
        let type = pieces[0].trimmingWhitespace()
        let subtype = pieces[1].trimmingWhitespace()
        guard !type.isEmpty, !subtype.isEmpty, !type.contains(" "), !subtype.contains(" ") else { return nil }
        self.init(type: type, subtype: subtype, parameters: parsed.parameters)
    }
}

/// A `Content-Disposition`: inline or attachment, with its filename.
public struct MIMEContentDisposition: Sendable, Hashable, Codable {
    /// Lowercased: `inline`, `attachment`, or whatever the sender wrote.
    public var kind: String
    public var parameters: [String: String]

    public var isAttachment: Bool { kind == "attachment" }
    public var isInline: Bool { kind == "inline" }
    public var filename: String? { parameters["filename"] }

    init(headerValue: String, problems: inout [String]) {
        let parsed = MIMEParameters(parsing: headerValue)
        problems.append(contentsOf: parsed.problems)
        kind = parsed.value
        parameters = parsed.parameters
    }
}

extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}
