/// RFC 2047 encoded words in UTF-8: `=?utf-8?B?…?=` or `=?utf-8?Q?…?=`.
///
/// One text uses one encoding, B or Q, whichever is shorter in total (Q on a tie, being readable).
/// Words are cut only between Unicode scalars, so each word decodes to valid UTF-8 on its own.
/// Q words use only the characters RFC 2047 §5(3) allows in a phrase (letters, digits, `!*+-/`,
/// `_` for space, `=XX`), so they are valid in display names as well as in unstructured text.
enum EncodedWordEncoder {
    enum Encoding: Equatable {
        case base64
        case quoted
    }

    /// RFC 2047 §2: an encoded word is at most 75 characters.
    static let maximumWordLength = 75
    /// `=?utf-8?X?` and `?=`.
    static let overhead = 12

    /// The text's UTF-8 bytes, one array per Unicode scalar.
    static func scalarBytes(_ text: String) -> [[UInt8]] {
        text.unicodeScalars.map { Array(String($0).utf8) }
    }

    /// B or Q, whichever gives the shorter encoded text for `scalars`.
    static func encoding(for scalars: [[UInt8]]) -> Encoding {
        var byteCount = 0
        var quotedLength = 0
        for bytes in scalars {
            byteCount += bytes.count
            for byte in bytes { quotedLength += isQuotedLiteral(byte) || byte == UInt8(ascii: " ") ? 1 : 3 }
        }
        let base64Length = (byteCount + 2) / 3 * 4
        return quotedLength <= base64Length ? .quoted : .base64
    }

    /// The longest word, at most `capacity` characters (and never more than 75), encoding the scalars
    /// from `start` on; with the index of the first scalar it leaves out. Nil when not even one
    /// scalar fits.
    static func word(_ scalars: [[UInt8]], from start: Int, capacity: Int, encoding: Encoding) -> (word: String, next: Int)? {
        let room = min(capacity, maximumWordLength) - overhead
        var bytes: [UInt8] = []
        var index = start
        switch encoding {
        case .quoted:
            var length = 0
            while index < scalars.count {
                let width = scalars[index].reduce(0) { $0 + (isQuotedLiteral($1) || $1 == UInt8(ascii: " ") ? 1 : 3) }
                guard length + width <= room else { break }
                length += width
                bytes += scalars[index]
                index += 1
            }
        case .base64:
            let byteRoom = max(0, room) / 4 * 3
            while index < scalars.count, bytes.count + scalars[index].count <= byteRoom {
                bytes += scalars[index]
                index += 1
            }
        }
        guard index > start else { return nil }
        switch encoding {
        case .quoted: return ("=?utf-8?Q?" + quoted(bytes) + "?=", index)
        case .base64: return ("=?utf-8?B?" + String(decoding: TransferEncoder.base64(bytes).filter { $0 != 13 && $0 != 10 }, as: UTF8.self) + "?=", index)
        }
    }

    private static func quoted(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "_"))
            } else if isQuotedLiteral(byte) {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Letters, digits and `!*+-/`: written as themselves in a Q word.
    private static func isQuotedLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }
}
