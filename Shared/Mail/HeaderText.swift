/// Turning raw header bytes into text.
enum HeaderText {
    /// UTF-8 when valid (the RFC 6532 reading), otherwise Windows-1252 — never fails.
    static func decodeRaw(_ bytes: [UInt8]) -> DecodedText {
        var isASCII = true
        for byte in bytes where byte >= 0x80 {
            isASCII = false
            break
        }
        if isASCII { return DecodedText(text: String(decoding: bytes, as: UTF8.self), charset: "us-ascii", problem: nil) }
        return MailCharset.decode(bytes, declaredCharset: nil)
    }

    /// ASCII case-insensitive comparison of two header names.
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where a != b {
            let lowerA = (a >= 0x41 && a <= 0x5A) ? a | 0x20 : a
            let lowerB = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if lowerA != lowerB { return false }
        }
        return true
    }
}
