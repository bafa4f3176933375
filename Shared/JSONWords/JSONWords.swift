/// Scanning the inside of a JSON string 8 bytes at a time, for the readers and writers of JSON on
/// hot paths (`JSONFieldReader` skipping a webhook body's strings, `JSONText` escaping an
/// envelope's base64 body): most bytes of such strings need nothing done, and testing them a word
/// at a time is several times cheaper than one by one.
public enum JSONWords {
    /// The first index from `index` on, in steps of 8 bytes, whose 8-byte word may hold a quote,
    /// a backslash, a control character or a non-ASCII byte: every byte before it is plain ASCII
    /// text as a JSON string holds it. Bytes from it on (fewer than 8 at the end) are for the
    /// caller to look at one by one; it may be `index` itself.
    @inlinable
    public static func endOfPlainText(in bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        guard let base = bytes.baseAddress else { return index }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var index = index
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            // (x - 0x01…) & ~x has a high bit set exactly where x has a zero byte (the first one at
            // least); word - 0x20… sets one when a byte is below 0x20; word itself when non-ASCII.
            let attention = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | (word &- ones &* 0x20) | word
            if attention & highBits != 0 { return index }
            index += 8
        }
        return index
    }
}
