/// Something wrong with a message that the parser worked around. A message with problems still
/// parses; the problems say what a human should know (a lying charset, a missing boundary).
public struct MailProblem: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// What kind of damage was found.
    public enum Kind: String, Sendable, Codable {
        case headerWithoutColon
        case missingHeaderBodySeparator
        case malformedEncodedWord
        case charset
        case missingBoundary
        case boundaryNotFound
        case unterminatedMultipart
        case invalidBase64
        case invalidQuotedPrintable
        case unknownTransferEncoding
        case nestingTooDeep
        case tooManyParts
        case unresolvedContentID
        case unsafeFilename
        case malformedAddress
        case malformedDate
    }

    public var kind: Kind
    /// Where: `header Subject`, `part 1.2`, … (never message content beyond names and labels).
    public var location: String
    /// A sentence saying what was wrong and what the parser did about it.
    public var detail: String

    public init(_ kind: Kind, at location: String, _ detail: String) {
        self.kind = kind
        self.location = location
        self.detail = detail
    }

    public var description: String { "\(location): \(detail)" }
}
