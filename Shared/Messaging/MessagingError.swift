/// A topic record that could not be written or read, naming what was wrong. Never carries a
/// secret or a record body.
public struct MessagingError: Error, Sendable, CustomStringConvertible {
    public let message: String
    /// Whether trying again may succeed (the broker did not acknowledge, the key store was
    /// unreachable), as opposed to a record that will never read.
    public let isTransient: Bool

    public init(_ message: String, isTransient: Bool = false) {
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { message }
}
