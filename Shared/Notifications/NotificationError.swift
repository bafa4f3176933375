/// A notification that could not be configured, evaluated or rendered, naming what was wrong.
/// Never carries a secret, and names people by account id, not address.
public struct NotificationError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
