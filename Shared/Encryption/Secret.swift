/// A secret (a mail-connection password, an OAuth refresh token) that cannot be printed.
///
/// `description`, `debugDescription`, string interpolation, `dump` and reflection all show
/// `<redacted>`. It is deliberately not `Codable`, so it cannot be put into exported JSON
/// (profiles for support, API responses): a type holding a `Secret` fails to synthesise
/// `Codable` at compile time. Read the value only where it is used, with `revealed`.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    public init(_ value: String) {
        bytes = Array(value.utf8)
    }

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The secret's bytes. Pass them straight to where they are needed; never log them.
    public var revealedBytes: [UInt8] { bytes }

    /// The secret as text (invalid UTF-8 is repaired with replacement characters).
    public var revealed: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether `other` holds the same bytes (for caches that must notice a changed secret).
    public func hasSameBytes(as other: Secret) -> Bool { bytes == other.bytes }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: EmptyCollection<Mirror.Child>(), displayStyle: .struct) }
}
