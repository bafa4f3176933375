#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Quick looks at raw bytes that decide how `MailCharset` decodes them.
enum CharsetByteScan {
    /// Whether every byte is below 0x80; reads eight bytes at a time.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            if base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < count {
            if base.load(fromByteOffset: index, as: UInt8.self) >= 0x80 { return false }
            index += 1
        }
        return true
    }

    /// `bytes` as UTF-8 without a leading byte order mark, or nil when they are not valid UTF-8.
    static func validUTF8(_ bytes: UnsafeRawBufferPointer) -> String? {
        let body = withoutUTF8BOM(bytes)
        // Decoding with repair and comparing is much faster than `String(validating:as:)`, which
        // does not take the standard library's contiguous fast path.
        var text = body.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
        let unchanged = text.withUTF8 { decoded in
            guard decoded.count == body.count else { return false }
            guard let decodedStart = decoded.baseAddress, let bodyStart = body.baseAddress else { return true }
            return memcmp(decodedStart, bodyStart, body.count) == 0
        }
        return unchanged ? text : nil
    }

    /// `bytes` without a leading UTF-8 byte order mark.
    static func withoutUTF8BOM(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return UnsafeRawBufferPointer(rebasing: bytes[3...])
        }
        return bytes
    }

    /// Whether bytes that are not valid UTF-8 look like Windows-1252 text instead: no well-formed
    /// multi-byte UTF-8 sequence anywhere, no byte Windows-1252 leaves undefined, and no end cut off in
    /// the middle of a UTF-8 sequence (a lead byte followed by continuation bytes, then the end).
    static func looksLikeWindows1252(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard Windows1252.isDefined(lead) else { return false }
            let (length, secondRange) = utf8Sequence(lead)
            guard length > 1 else {
                index += 1
                continue
            }
            // Count the continuation bytes that follow, as UTF-8 would accept them.
            var matched = 1
            while matched < length, index + matched < count {
                let byte = bytes[index + matched]
                let range: ClosedRange<UInt8> = matched == 1 ? secondRange : 0x80...0xBF
                guard range.contains(byte) else { break }
                matched += 1
            }
            if matched == length { return false }  // a well-formed UTF-8 character
            if matched > 1 && index + matched == count { return false }  // UTF-8 cut off at the end
            index += 1
        }
        return true
    }

    /// The length of the UTF-8 sequence `lead` starts and the range its second byte must be in;
    /// length 1 for bytes that cannot start one.
    private static func utf8Sequence(_ lead: UInt8) -> (Int, ClosedRange<UInt8>) {
        switch lead {
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        default: (1, 0x80...0xBF)
        }
    }
}
