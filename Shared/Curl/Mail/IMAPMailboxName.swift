/// Turns mailbox names into what IMAP and the IMAP URL carry, refusing names that cannot be sent safely.
enum IMAPMailboxName {
    /// `name` in IMAP's modified UTF-7 (RFC 3501 §5.1.3): ASCII as is (`&` as `&-`), other
    /// characters base64-encoded UTF-16 between `&` and `-`.
    /// - Throws: ``CurlError`` when the name is empty or holds a control character (CR, LF, NUL…).
    static func encode(_ name: String) throws(CurlError) -> String {
        guard !name.isEmpty else {
            throw .invalidArgument("the mailbox name is empty")
        }
        var encoded = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            encoded += "&" + modifiedBase64(pending) + "-"
            pending.removeAll()
        }
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x20...0x7E:
                flush()
                encoded += scalar == "&" ? "&-" : String(scalar)
            case 0..<0x20, 0x7F:
                throw .invalidArgument("mailbox name \(name.debugDescription) contains a control character (CR, LF or another)")
            default:
                pending.append(contentsOf: String(scalar).utf16)
            }
        }
        flush()
        return encoded
    }

    /// `text` (ASCII) as an IMAP quoted string, with `\` and `"` escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\\" || character == "\"" {
                result.append("\\")
            }
            result.append(character)
        }
        return result + "\""
    }

    /// Base64 with `,` for `/` and no padding, over big-endian UTF-16.
    private static func modifiedBase64(_ units: [UInt16]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
        var bytes: [UInt8] = []
        for unit in units {
            bytes.append(UInt8(unit >> 8))
            bytes.append(UInt8(unit & 0xFF))
        }
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() {
                value |= UInt32(byte) << (16 - 8 * UInt32(offset))
            }
            let characters = chunk.count + 1
            for position in 0..<characters {
                output.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            index += 3
        }
        return output
    }
}
