/// Body transfer encodings for outbound parts: canonical CRLF text, 7bit, quoted-printable and
/// base64, every encoded line at most 76 characters and ending in CRLF.
enum TransferEncoder {
    /// A `Content-Transfer-Encoding` the builder writes.
    enum Encoding: Equatable {
        case sevenBit
        case quotedPrintable
        case base64

        var headerValue: String {
            switch self {
            case .sevenBit: "7bit"
            case .quotedPrintable: "quoted-printable"
            case .base64: "base64"
            }
        }
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let equals = UInt8(ascii: "=")

    /// `text` as UTF-8 with every line ending (CRLF, LF, lone CR) made CRLF, ending in CRLF unless empty.
    static func canonicalText(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 32 + 2)
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == lf {
                if !previousWasCR { output.append(cr) }
                output.append(lf)
                previousWasCR = false
            } else {
                if previousWasCR { output.append(lf) }
                if byte == cr {
                    output.append(cr)
                    previousWasCR = true
                } else {
                    output.append(byte)
                    previousWasCR = false
                }
            }
        }
        if previousWasCR { output.append(lf) }
        if let last = output.last, last != lf { output += [cr, lf] }
        return output
    }

    /// The encoding for canonical text: 7bit when every line is printable ASCII (and tab), at most
    /// 998 octets, without trailing whitespace (which transports may strip); otherwise whichever of
    /// quoted-printable and base64 is shorter (quoted-printable on a tie).
    static func choose(forCanonicalText bytes: [UInt8]) -> Encoding {
        var sevenBit = true
        var lineLength = 0
        var escaped = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == cr, index + 1 < bytes.count, bytes[index + 1] == lf {
                if index > 0, bytes[index - 1] == space || bytes[index - 1] == tab { sevenBit = false }
                lineLength = 0
                index += 2
                continue
            }
            lineLength += 1
            if lineLength > 998 { sevenBit = false }
            if !isLiteral(byte) && byte != space && byte != tab {
                escaped += 1
                if byte != equals { sevenBit = false }
            }
            index += 1
        }
        if sevenBit { return .sevenBit }
        let quotedPrintableLength = bytes.count + 2 * escaped
        let base64Length = (bytes.count + 2) / 3 * 4
        return quotedPrintableLength <= base64Length ? .quotedPrintable : .base64
    }

    /// Encodes canonical text in `encoding`; 7bit returns it unchanged.
    static func encode(canonicalText bytes: [UInt8], as encoding: Encoding) -> [UInt8] {
        switch encoding {
        case .sevenBit: bytes
        case .quotedPrintable: quotedPrintable(bytes)
        case .base64: base64(bytes)
        }
    }

    /// Quoted-printable (RFC 2045 §6.7). CRLF pairs in the input are hard line breaks; every other
    /// byte outside `!`…`~` (except `=`) is escaped, as are a space or tab ending a line, and `=`.
    /// Lines are at most 76 characters, soft breaks (`=` CRLF) never split an escape. Input not
    /// ending in CRLF ends with a soft break, so the output always ends in CRLF and decodes exactly.
    static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8 + 8)
        var lineStart = 0
        var index = 0
        while index <= bytes.count {
            let atEnd = index == bytes.count
            let atBreak = !atEnd && bytes[index] == cr && index + 1 < bytes.count && bytes[index + 1] == lf
            guard atEnd || atBreak else {
                index += 1
                continue
            }
            appendQuotedPrintableLine(bytes[lineStart..<index], to: &output)
            if atBreak {
                output += [cr, lf]
                index += 2
                lineStart = index
            } else {
                if lineStart < index { output += [equals, cr, lf] }
                break
            }
        }
        return output
    }

    /// One line without its line break, soft-broken into pieces of at most 76 characters.
    private static func appendQuotedPrintableLine(_ line: ArraySlice<UInt8>, to output: inout [UInt8]) {
        var column = 0
        for index in line.indices {
            let byte = line[index]
            let isLast = index == line.index(before: line.endIndex)
            let literal = isLiteral(byte) || ((byte == space || byte == tab) && !isLast)
            let width = literal ? 1 : 3
            // A piece followed by more needs room for the soft-break `=`; the line's last may use 76.
            if column + width > (isLast ? 76 : 75) {
                output += [equals, cr, lf]
                column = 0
            }
            if literal {
                output.append(byte)
            } else {
                output += [equals, hexDigit(byte >> 4), hexDigit(byte & 0x0F)]
            }
            column += width
        }
    }

    /// Base64 (RFC 2045 §6.8) in lines of 76 characters, each ending in CRLF; empty input gives no lines.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4 + (bytes.count / 57 + 1) * 2)
        var column = 0
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            let b0 = bytes[index]
            let b1 = count > 1 ? bytes[index + 1] : 0
            let b2 = count > 2 ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(count > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : equals)
            output.append(count > 2 ? alphabet[Int(b2 & 0x3F)] : equals)
            column += 4
            index += 3
            if column == 76 || index >= bytes.count {
                output += [cr, lf]
                column = 0
            }
        }
        return output
    }

    /// Printable ASCII that quoted-printable writes as itself: `!`…`~` except `=`.
    private static func isLiteral(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E && byte != equals
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
