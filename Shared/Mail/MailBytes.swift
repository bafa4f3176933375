/// The raw bytes of one message (or of a decoded embedded message), shared by every part that
/// points into them. Immutable, so parts can hold ranges instead of copies.
public final class MailBytes: Sendable {
    /// The message exactly as received.
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The bytes of `range`, copied.
    func slice(_ range: Range<Int>) -> [UInt8] {
        Array(bytes[range])
    }
}

/// ASCII byte values the parsers compare against.
enum ASCII {
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let hyphen: UInt8 = 0x2D
    static let equals: UInt8 = 0x3D

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
}
