/// A charset `MailCharset` can decode; the raw value is its canonical (lowercased) name.
enum KnownCharset: String, Sendable {
    case utf8 = "utf-8"
    case usASCII = "us-ascii"
    case iso8859_1 = "iso-8859-1", iso8859_2 = "iso-8859-2", iso8859_3 = "iso-8859-3", iso8859_4 = "iso-8859-4"
    case iso8859_5 = "iso-8859-5", iso8859_6 = "iso-8859-6", iso8859_7 = "iso-8859-7", iso8859_8 = "iso-8859-8"
    case iso8859_9 = "iso-8859-9", iso8859_10 = "iso-8859-10", iso8859_11 = "iso-8859-11", iso8859_13 = "iso-8859-13"
    case iso8859_14 = "iso-8859-14", iso8859_15 = "iso-8859-15", iso8859_16 = "iso-8859-16"
    case windows874 = "windows-874"
    case windows1250 = "windows-1250", windows1251 = "windows-1251", windows1252 = "windows-1252"
    case windows1253 = "windows-1253", windows1254 = "windows-1254", windows1255 = "windows-1255"
    case windows1256 = "windows-1256", windows1257 = "windows-1257", windows1258 = "windows-1258"
    case koi8R = "koi8-r", koi8U = "koi8-u", ibm866 = "ibm866", macintosh = "macintosh"
    case gb2312 = "gb2312", gbk = "gbk", gb18030 = "gb18030"
    case big5 = "big5", big5HKSCS = "big5-hkscs"
    case shiftJIS = "shift_jis", windows31J = "windows-31j", eucJP = "euc-jp", iso2022JP = "iso-2022-jp"
    case eucKR = "euc-kr", iso2022KR = "iso-2022-kr"
    case utf16 = "utf-16", utf16LE = "utf-16le", utf16BE = "utf-16be"
    case utf32 = "utf-32", utf32LE = "utf-32le", utf32BE = "utf-32be"
    case utf7 = "utf-7"

    /// The bytes that switch a 7-bit charset away from ASCII; input that is ASCII and holds none of
    /// them is plain ASCII text in this charset. Empty for charsets whose ASCII bytes are always ASCII
    /// (UTF-16 and UTF-32 are never decoded as ASCII).
    var shiftBytes: [UInt8] {
        switch self {
        case .utf7: [UInt8(ascii: "+")]
        case .iso2022JP, .iso2022KR: [0x1B, 0x0E, 0x0F]
        default: []
        }
    }

    /// How bytes in this charset are turned into text.
    enum Decoding: Sendable, Equatable {
        case utf8
        case usASCII
        /// Windows-1252, decoded without iconv; every byte maps to a character.
        case windows1252
        /// glibc iconv under `name`; `layout` says how many bytes an unmappable sequence spans.
        case iconv(name: String, layout: MultiByteLayout)
        /// ISO-2022-JP, rewritten as EUC-JP and decoded by iconv.
        case iso2022JP
        /// UTF-16 or UTF-32; `bigEndian` nil means "from the byte order mark, else guessed".
        case utf16(bigEndian: Bool?)
        case utf32(bigEndian: Bool?)
    }

    var decoding: Decoding {
        switch self {
        case .utf8: .utf8
        case .usASCII: .usASCII
        case .iso8859_1, .windows1252: .windows1252
        case .iso8859_2: .iconv(name: "ISO-8859-2", layout: .singleByte)
        case .iso8859_3: .iconv(name: "ISO-8859-3", layout: .singleByte)
        case .iso8859_4: .iconv(name: "ISO-8859-4", layout: .singleByte)
        case .iso8859_5: .iconv(name: "ISO-8859-5", layout: .singleByte)
        case .iso8859_6: .iconv(name: "ISO-8859-6", layout: .singleByte)
        case .iso8859_7: .iconv(name: "ISO-8859-7", layout: .singleByte)
        case .iso8859_8: .iconv(name: "ISO-8859-8", layout: .singleByte)
        case .iso8859_9: .iconv(name: "ISO-8859-9", layout: .singleByte)
        case .iso8859_10: .iconv(name: "ISO-8859-10", layout: .singleByte)
        case .iso8859_13: .iconv(name: "ISO-8859-13", layout: .singleByte)
        case .iso8859_14: .iconv(name: "ISO-8859-14", layout: .singleByte)
        case .iso8859_15: .iconv(name: "ISO-8859-15", layout: .singleByte)
        case .iso8859_16: .iconv(name: "ISO-8859-16", layout: .singleByte)
        // Windows-874 is the superset of TIS-620/ISO-8859-11 that Thai mail is written in.
        case .iso8859_11, .windows874: .iconv(name: "CP874", layout: .singleByte)
        case .windows1250: .iconv(name: "CP1250", layout: .singleByte)
        case .windows1251: .iconv(name: "CP1251", layout: .singleByte)
        case .windows1253: .iconv(name: "CP1253", layout: .singleByte)
        case .windows1254: .iconv(name: "CP1254", layout: .singleByte)
        case .windows1255: .iconv(name: "CP1255", layout: .singleByte)
        case .windows1256: .iconv(name: "CP1256", layout: .singleByte)
        case .windows1257: .iconv(name: "CP1257", layout: .singleByte)
        // glibc composes Vietnamese base letters and combining marks into precomposed characters.
        case .windows1258: .iconv(name: "CP1258", layout: .singleByte)
        case .koi8R: .iconv(name: "KOI8-R", layout: .singleByte)
        case .koi8U: .iconv(name: "KOI8-U", layout: .singleByte)
        case .ibm866: .iconv(name: "IBM866", layout: .singleByte)
        case .macintosh: .iconv(name: "MACINTOSH", layout: .singleByte)
        // Mail clients label GBK and GB18030 text "gb2312"; GB18030 decodes all three.
        case .gb2312, .gbk, .gb18030: .iconv(name: "GB18030", layout: .gb18030)
        case .big5, .big5HKSCS: .iconv(name: "BIG5-HKSCS", layout: .big5)
        // Windows writes CP932 under the Shift_JIS label; CP932 also maps 0x5C/0x7E to ASCII.
        case .shiftJIS, .windows31J: .iconv(name: "CP932", layout: .shiftJIS)
        case .eucJP: .iconv(name: "EUC-JP-MS", layout: .eucJP)
        case .iso2022JP: .iso2022JP
        // Microsoft's "ks_c_5601-1987" is CP949 (Unified Hangul), a superset of EUC-KR.
        case .eucKR: .iconv(name: "CP949", layout: .eucKR)
        case .iso2022KR: .iconv(name: "ISO-2022-KR", layout: .singleByte)
        case .utf16: .utf16(bigEndian: nil)
        case .utf16LE: .utf16(bigEndian: false)
        case .utf16BE: .utf16(bigEndian: true)
        case .utf32: .utf32(bigEndian: nil)
        case .utf32LE: .utf32(bigEndian: false)
        case .utf32BE: .utf32(bigEndian: true)
        case .utf7: .iconv(name: "UTF-7", layout: .singleByte)
        }
    }
}

/// Which byte pairs of a multi-byte charset form one (possibly unmappable) character, so that an
/// unmappable pair becomes a single U+FFFD and an invalid lead byte never swallows the next character.
enum MultiByteLayout: Sendable, Equatable {
    case singleByte, shiftJIS, eucJP, eucKR, gb18030, big5

    /// How many bytes to skip at an unconvertible sequence starting with `lead`, followed by `next`.
    /// A trail byte in the ASCII range is never skipped: it is text of its own.
    func invalidSequenceLength(lead: UInt8, next: UInt8?) -> Int {
        guard let next, next >= 0x80 else { return 1 }
        switch self {
        case .singleByte:
            return 1
        case .shiftJIS:
            let isLead = (0x81...0x9F).contains(lead) || (0xE0...0xFC).contains(lead)
            return isLead && (0x80...0xFC).contains(next) ? 2 : 1
        case .eucJP:
            return (0xA1...0xFE).contains(lead) && (0xA1...0xFE).contains(next) ? 2 : 1
        case .eucKR:
            return (0x81...0xFE).contains(lead) && (0x81...0xFE).contains(next) ? 2 : 1
        case .gb18030:
            return (0x81...0xFE).contains(lead) && (0x80...0xFE).contains(next) ? 2 : 1
        case .big5:
            return (0x81...0xFE).contains(lead) && (0xA1...0xFE).contains(next) ? 2 : 1
        }
    }
}
