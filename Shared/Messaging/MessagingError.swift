/// A topic record that could not be written or read, naming what was wrong. Never carries a
/// secret or a record body.
public struct MessagingError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
