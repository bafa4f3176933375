#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cryptographically secure random bytes from one `getentropy` call (the kernel's `getrandom`),
/// where `SystemRandomNumberGenerator` makes one system call per 8 bytes: a sealed box's nonce
/// and a traceparent took five calls per accepted webhook, and now take two.
public enum RandomBytes {
    /// The most `getentropy` gives in one call.
    public static let maximumCount = 256

    /// Fills `buffer` (at most ``maximumCount`` bytes) with random bytes. Should the call fail
    /// (a kernel without `getrandom`), the bytes come from `SystemRandomNumberGenerator` instead.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count <= maximumCount, "RandomBytes.fill takes at most \(maximumCount) bytes")
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        if getentropy(base, buffer.count) == 0 { return }
        var generator = SystemRandomNumberGenerator()
        for index in buffer.indices { buffer[index] = generator.next() }
    }

    /// `count` random bytes (at most ``maximumCount``).
    public static func make(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            fill(UnsafeMutableRawBufferPointer(bytes))
            initialized = count
        }
    }
}
