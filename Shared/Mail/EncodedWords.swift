/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header text.
///
/// Decodes as mail clients do rather than as the RFC is strict: words glued to other text, spaces
/// inside Q words, lowercase `b`/`q`, a `*language` suffix, missing base64 padding. Whitespace
/// between adjacent encoded words is dropped, and adjacent words in one charset are joined as bytes
/// before decoding, so a multi-byte character split across two words survives. A malformed word
/// is left as written and reported.
public enum EncodedWords {
    /// The decoded text and, if anything was wrong, what.
    public struct Result: Sendable, Equatable {
        public var text: String
        public var problems: [String]
    }

    /// Decodes every encoded word in `text`.
    public static func decode(_ text: String) -> Result {
        let utf8 = Array(text.utf8)
        guard containsEncodedWordStart(utf8) else { return Result(text: text, problems: []) }
        var output = ""
        var problems: [String] = []
        var pendingBytes: [UInt8] = []
        var pendingCharset: String?
        var literalStart = 0
        var index = 0

        func flushPending() {
            guard let charset = pendingCharset else { return }
            let decoded = MailCharset.decode(pendingBytes, declaredCharset: charset)
            if let problem = decoded.problem { problems.append(problem.description) }
            output += decoded.text
            pendingBytes.removeAll(keepingCapacity: true)
            pendingCharset = nil
        }

        while index < utf8.count {
            guard utf8[index] == ASCII.equals, index + 1 < utf8.count, utf8[index + 1] == 0x3F /* ? */,
                let word = parseWord(utf8, at: index)
            else {
                index += 1
                continue
            }
            // Text between the previous word (or the start) and this one.
            let between = Array(utf8[literalStart..<index])
            let onlyWhitespace = between.allSatisfy { ASCII.isWhitespace($0) || $0 == ASCII.cr || $0 == ASCII.lf }
            if pendingCharset != nil && onlyWhitespace {
                // Adjacent encoded words: the whitespace between them is not part of the text.
            } else {
                flushPending()
                output += String(decoding: between, as: UTF8.self)
            }
            let charset = word.charset.lowercased()
            if let current = pendingCharset, current != charset { flushPending() }
            pendingCharset = charset
            pendingBytes.append(contentsOf: word.bytes)
            if word.malformedPayload { problems.append("encoded word with damaged \(word.isBase64 ? "base64" : "quoted-printable") text") }
            index = word.end
            literalStart = index
        }
        flushPending()
        output += String(decoding: utf8[literalStart...], as: UTF8.self)
        return Result(text: output, problems: problems)
    }

    private static func containsEncodedWordStart(_ utf8: [UInt8]) -> Bool {
        guard utf8.count >= 8 else { return false }
        for index in 0..<(utf8.count - 1) where utf8[index] == ASCII.equals && utf8[index + 1] == 0x3F { return true }
        return false
    }

    private struct Word {
        var charset: String
        var isBase64: Bool
        var bytes: [UInt8]
        var malformedPayload: Bool
        var end: Int
    }

    /// Parses `=?charset?e?payload?=` at `start`; nil when it is not a well-formed word.
    private static func parseWord(_ utf8: [UInt8], at start: Int) -> Word? {
        var index = start + 2
        let charsetStart = index
        while index < utf8.count, utf8[index] != 0x3F {
            let byte = utf8[index]
            if byte <= 0x20 || byte >= 0x7F || index - charsetStart > 40 { return nil }
            index += 1
        }
        guard index < utf8.count, index > charsetStart, index + 2 < utf8.count, utf8[index + 2] == 0x3F else { return nil }
        var charset = String(decoding: utf8[charsetStart..<index], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let encoding = utf8[index + 1] | 0x20
        guard encoding == 0x62 /* b */ || encoding == 0x71 /* q */ else { return nil }
        let payloadStart = index + 3
        var payloadEnd = payloadStart
        // The payload ends at the first "?=". Spaces are tolerated (some clients leave them), line
        // ends are not, and a word longer than any client writes is not a word.
        while payloadEnd + 1 < utf8.count {
            if utf8[payloadEnd] == 0x3F && utf8[payloadEnd + 1] == ASCII.equals { break }
            if utf8[payloadEnd] == ASCII.lf || payloadEnd - payloadStart > 4096 { return nil }
            payloadEnd += 1
        }
        guard payloadEnd + 1 < utf8.count else { return nil }
        let payload = utf8[payloadStart..<payloadEnd]
        if encoding == 0x62 {
            let decoded = Base64Decoder.decode(payload)
            return Word(charset: charset, isBase64: true, bytes: decoded.bytes, malformedPayload: decoded.hadJunk, end: payloadEnd + 2)
        }
        let decoded = QuotedPrintableDecoder.decodeEncodedWord(payload)
        return Word(charset: charset, isBase64: false, bytes: decoded.bytes, malformedPayload: decoded.hadJunk, end: payloadEnd + 2)
    }
}
