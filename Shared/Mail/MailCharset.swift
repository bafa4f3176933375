/// Decoding of message bytes in the charset their headers declare, as forgiving as mail clients are.
///
/// Supported: UTF-8, US-ASCII, ISO-8859-1…16, Windows-1250…1258 and 874, KOI8-R, KOI8-U, IBM866,
/// Macintosh, GB2312/GBK/GB18030, Big5/Big5-HKSCS, Shift_JIS/Windows-31J, EUC-JP, ISO-2022-JP,
/// EUC-KR (as CP949), ISO-2022-KR, UTF-16, UTF-32 and UTF-7, under the labels mail clients write for them.
/// Legacy multi-byte charsets are decoded with their supersets (GB18030, Big5-HKSCS, CP932, CP949,
/// EUC-JP with Microsoft's rows), as browsers and Windows do. Safe to call from any number of tasks.
public enum MailCharset {
    /// Decodes `bytes` declared as `charset` (nil/empty = undeclared) to text. Never fails: bytes that
    /// cannot be decoded become U+FFFD or a fallback decoding, and `problem` says what happened.
    ///
    /// - Valid UTF-8 under a UTF-8 label or none decodes as UTF-8 (a leading byte order mark dropped).
    ///   Undeclared bytes that are not UTF-8 decode as windows-1252 (`mislabeled`).
    /// - `iso-8859-1` and `us-ascii` decode as windows-1252. Non-ASCII bytes under `us-ascii` decode
    ///   as UTF-8 if they are valid UTF-8, else as windows-1252 (`mislabeled`).
    /// - Invalid UTF-8 under a UTF-8 label decodes as windows-1252 when it looks like windows-1252 text
    ///   (no well-formed multi-byte UTF-8 character in it; `mislabeled`), else each invalid sequence
    ///   becomes U+FFFD (`invalidBytes`).
    /// - An unknown label decodes as UTF-8 if valid, else as windows-1252 (`unknownCharset`).
    /// - In other charsets each invalid sequence becomes one U+FFFD and decoding goes on after it
    ///   (`invalidBytes`).
    public static func decode(_ bytes: UnsafeRawBufferPointer, declaredCharset: String?) -> DecodedText {
        guard let label = CharsetLabel.trimmed(declaredCharset) else { return decodeUndeclared(bytes) }
        guard let charset = KnownCharset(label: label) else {
            return decodeAsFallback(bytes, problem: .unknownCharset, declared: label)
        }
        return decode(bytes, as: charset, declared: label)
    }

    /// `decode(_:declaredCharset:)` for an array.
    public static func decode(_ bytes: [UInt8], declaredCharset: String?) -> DecodedText {
        bytes.withUnsafeBytes { decode($0, declaredCharset: declaredCharset) }
    }

    /// The canonical name (lowercased, aliases resolved) of a charset label, e.g. "latin1" -> "iso-8859-1",
    /// "x-sjis" -> "shift_jis", "ks_c_5601-1987" -> "euc-kr" (Microsoft's label; decoded as CP949),
    /// "cp936" -> "gbk" (decoded as GB18030), "unicode-1-1-utf-7" -> "utf-7". An unknown label comes back
    /// lowercased without surrounding quotes and whitespace; an empty one as "".
    public static func canonicalName(_ label: String) -> String {
        guard let trimmed = CharsetLabel.trimmed(label) else { return "" }
        return KnownCharset(label: trimmed)?.rawValue ?? trimmed.lowercased()
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, as charset: KnownCharset, declared: String) -> DecodedText {
        switch charset.decoding {
        case .utf8:
            return decodeDeclaredUTF8(bytes, declared: declared)
        case .usASCII:
            if CharsetByteScan.isASCII(bytes) { return DecodedText(text: ascii(bytes), charset: charset.rawValue) }
            return decodeAsFallback(bytes, problem: .mislabeled, declared: declared)
        case .windows1252:
            let text = CharsetByteScan.isASCII(bytes) ? ascii(bytes) : Windows1252.decode(bytes)
            return DecodedText(text: text, charset: KnownCharset.windows1252.rawValue)
        case .iconv(let name, let layout):
            if isPlainASCII(bytes, in: charset) { return DecodedText(text: ascii(bytes), charset: charset.rawValue) }
            return decodeWithIconv(bytes, iconvName: name, layout: layout, charset: charset, declared: declared)
        case .iso2022JP:
            if isPlainASCII(bytes, in: charset) { return DecodedText(text: ascii(bytes), charset: charset.rawValue) }
            let euc = ISO2022JP.toEUCJP(bytes)
            return euc.withUnsafeBytes {
                decodeWithIconv($0, iconvName: "EUC-JP-MS", layout: .eucJP, charset: charset, declared: declared)
            }
        case .utf16(let bigEndian):
            let (text, invalid) = UTFUnitsDecoder.decodeUTF16(bytes, bigEndian: bigEndian)
            return decoded(text, charset: charset, invalid: invalid, declared: declared)
        case .utf32(let bigEndian):
            let (text, invalid) = UTFUnitsDecoder.decodeUTF32(bytes, bigEndian: bigEndian)
            return decoded(text, charset: charset, invalid: invalid, declared: declared)
        }
    }

    private static func decodeUndeclared(_ bytes: UnsafeRawBufferPointer) -> DecodedText {
        if CharsetByteScan.isASCII(bytes) { return DecodedText(text: ascii(bytes), charset: KnownCharset.usASCII.rawValue) }
        if let text = CharsetByteScan.validUTF8(bytes) { return DecodedText(text: text, charset: KnownCharset.utf8.rawValue) }
        return windows1252(bytes, problem: .mislabeled, declared: nil)
    }

    private static func decodeDeclaredUTF8(_ bytes: UnsafeRawBufferPointer, declared: String) -> DecodedText {
        if let text = CharsetByteScan.validUTF8(bytes) { return DecodedText(text: text, charset: KnownCharset.utf8.rawValue) }
        if CharsetByteScan.looksLikeWindows1252(bytes) { return windows1252(bytes, problem: .mislabeled, declared: declared) }
        let text = CharsetByteScan.withoutUTF8BOM(bytes).withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
        let used = KnownCharset.utf8.rawValue
        return DecodedText(text: text, charset: used, problem: CharsetProblem(kind: .invalidBytes, declared: declared, used: used))
    }

    /// UTF-8 when the bytes are valid UTF-8, else windows-1252; `problem` reported either way.
    private static func decodeAsFallback(_ bytes: UnsafeRawBufferPointer, problem: CharsetProblem.Kind, declared: String) -> DecodedText {
        guard let text = CharsetByteScan.validUTF8(bytes) else { return windows1252(bytes, problem: problem, declared: declared) }
        let used = KnownCharset.utf8.rawValue
        return DecodedText(text: text, charset: used, problem: CharsetProblem(kind: problem, declared: declared, used: used))
    }

    private static func decodeWithIconv(
        _ bytes: UnsafeRawBufferPointer, iconvName: String, layout: MultiByteLayout, charset: KnownCharset, declared: String
    ) -> DecodedText {
        // Without a converter (a C library built without gconv modules) the charset is as good as unknown.
        guard let (text, invalid) = IconvConverter.convert(bytes, from: iconvName, layout: layout) else {
            return decodeAsFallback(bytes, problem: .unknownCharset, declared: declared)
        }
        return decoded(text, charset: charset, invalid: invalid, declared: declared)
    }

    private static func decoded(_ text: String, charset: KnownCharset, invalid: Bool, declared: String) -> DecodedText {
        let problem = invalid ? CharsetProblem(kind: .invalidBytes, declared: declared, used: charset.rawValue) : nil
        return DecodedText(text: text, charset: charset.rawValue, problem: problem)
    }

    private static func windows1252(_ bytes: UnsafeRawBufferPointer, problem: CharsetProblem.Kind, declared: String?) -> DecodedText {
        let used = KnownCharset.windows1252.rawValue
        let problem = CharsetProblem(kind: problem, declared: declared, used: used)
        return DecodedText(text: Windows1252.decode(bytes), charset: used, problem: problem)
    }

    /// Whether `bytes` are ASCII text as they stand in `charset` (an ASCII-compatible or 7-bit one).
    private static func isPlainASCII(_ bytes: UnsafeRawBufferPointer, in charset: KnownCharset) -> Bool {
        guard CharsetByteScan.isASCII(bytes) else { return false }
        let shiftBytes = charset.shiftBytes
        return shiftBytes.isEmpty || !bytes.contains(where: shiftBytes.contains)
    }

    /// Bytes already known to be ASCII, as text.
    private static func ascii(_ bytes: UnsafeRawBufferPointer) -> String {
        bytes.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
    }
}
