import Crypto

/// Raw bytes of a 256-bit key, stored as an array because swift-crypto 3's `SymmetricKey` is
/// not `Sendable`; a `SymmetricKey` is built only at the moment of use.
///
/// Its description never shows the bytes, so a key that ends up in a log line or a test failure
/// leaks nothing.
struct KeyBytes: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The length of every key this library uses: AES-256 and HMAC-SHA256 keys.
    static let length = 32

    let bytes: [UInt8]

    /// - Precondition: `bytes` is exactly 32 bytes (callers validate configuration first).
    init(_ bytes: [UInt8]) {
        precondition(bytes.count == Self.length, "keys are 32 bytes")
        self.bytes = bytes
    }

    /// A fresh key from the system's cryptographically secure generator (via swift-crypto).
    static func random() -> KeyBytes {
        KeyBytes(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The key as swift-crypto wants it; build it where it is used, do not store it.
    var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    var description: String { "<key redacted>" }
    var debugDescription: String { description }
}
