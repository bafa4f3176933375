/// A failure of the mail sender that names what was wrong. Never carries a password, a token or
/// a message body.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
