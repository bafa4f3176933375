/// A failure of the webhook receipt service that names what was wrong. Never carries a secret
/// or a request body.
public struct WebhookReceiptError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
