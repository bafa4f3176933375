/// Lower-case hexadecimal text of bytes: digests in headers and claims, `bytea` literals, ids.
public enum Hex {
    /// Appends the two lower-case hex digits of `byte` to `text`.
    @inlinable
    public static func append(_ byte: UInt8, to text: inout [UInt8]) {
        text.append(digit(byte >> 4))
        text.append(digit(byte & 0x0F))
    }

    /// Appends the lower-case hex digits of every byte of `bytes` to `text`.
    @inlinable
    public static func append(contentsOf bytes: some Sequence<UInt8>, to text: inout [UInt8]) {
        text.reserveCapacity(text.count + bytes.underestimatedCount * 2)
        for byte in bytes { append(byte, to: &text) }
    }

    /// Appends `word` as 16 lower-case hex digits, most significant first (zero-padded).
    @inlinable
    public static func append(word: UInt64, to text: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: word >> UInt64(shift)), to: &text) }
    }

    /// `word` as 16 lower-case hex digits, most significant first (zero-padded).
    @inlinable
    public static func lowercase(_ word: UInt64) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(16)
        append(word: word, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// The lower-case hex text of `bytes`, two digits per byte.
    @inlinable
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        append(contentsOf: bytes, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// The ASCII code of the lower-case hex digit for `nibble` (0…15).
    @inlinable
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
    }
}
