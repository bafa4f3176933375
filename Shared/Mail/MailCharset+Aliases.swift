extension KnownCharset {
    /// The charset a label names, as mail clients write labels: case-insensitive, surrounding quotes and
    /// whitespace ignored, `-`/`_`/`.`/space interchangeable or missing, an `x-` prefix and a `:1987`-style
    /// year suffix optional. `label` must already be trimmed (see `CharsetLabel.trimmed`).
    init?(label: String) {
        if let common = Self.common(label) {
            self = common
            return
        }
        if let known = Self.lookup(label) {
            self = known
            return
        }
        let lower = label.lowercased()
        guard lower.hasPrefix("x-") || lower.hasPrefix("x_"), let known = Self.lookup(String(lower.dropFirst(2))) else {
            return nil
        }
        self = known
    }

    /// The labels nearly every message uses, matched without building a key.
    private static func common(_ label: String) -> KnownCharset? {
        let found = label.utf8.withContiguousStorageIfAvailable { bytes -> KnownCharset? in
            for (charset, name) in commonNames where name.count == bytes.count {
                var index = 0
                while index < name.count {
                    let byte = bytes[index]
                    let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 0x20 : byte
                    guard lowered == name[index] else { break }
                    index += 1
                }
                if index == name.count { return charset }
            }
            return nil
        }
        return found ?? nil
    }

    private static let commonNames: [(KnownCharset, [UInt8])] = [KnownCharset.utf8, .usASCII, .iso8859_1, .windows1252].map {
        ($0, Array($0.rawValue.utf8))
    }

    private static func lookup(_ label: String) -> KnownCharset? {
        let key = aliasKey(label)
        if let known = aliases[key] { return known }
        return numbered(key)
    }

    /// The label lowercased, cut at a `:` (as in `iso_8859-1:1987`), keeping only ASCII letters and digits.
    static func aliasKey(_ label: String) -> String {
        let utf8 = label.utf8
        return String(unsafeUninitializedCapacity: utf8.count) { key in
            var count = 0
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: ":"): return count
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"): key[count] = byte
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): key[count] = byte + 0x20
                default: continue
                }
                count += 1
            }
            return count
        }
    }

    /// Names built from a number: `iso8859N`, `isoirNNN`, `latinN`, `windowsNNNN`, `cpNNNN`, `winNNNN`, `msNNN`, `ibmNNN`.
    private static func numbered(_ key: String) -> KnownCharset? {
        for prefix in ["iso8859", "latin", "isoir"] where key.hasPrefix(prefix) {
            guard let number = Int(key.dropFirst(prefix.count)) else { return nil }
            switch prefix {
            case "iso8859": return isoPart(number)
            case "latin": return latinNumber[number]
            default: return isoIRNumber[number]
            }
        }
        for prefix in ["windows", "win", "mscp", "cp", "ms", "ibm", "csibm"] where key.hasPrefix(prefix) {
            guard let number = Int(key.dropFirst(prefix.count)) else { return nil }
            return codePage(number)
        }
        return nil
    }

    private static func isoPart(_ part: Int) -> KnownCharset? {
        switch part {
        case 1: .iso8859_1
        case 2: .iso8859_2
        case 3: .iso8859_3
        case 4: .iso8859_4
        case 5: .iso8859_5
        case 6: .iso8859_6
        case 7: .iso8859_7
        case 8: .iso8859_8
        case 9: .iso8859_9
        case 10: .iso8859_10
        case 11: .iso8859_11
        case 13: .iso8859_13
        case 14: .iso8859_14
        case 15: .iso8859_15
        case 16: .iso8859_16
        default: nil
        }
    }

    private static let latinNumber: [Int: KnownCharset] = [
        1: .iso8859_1, 2: .iso8859_2, 3: .iso8859_3, 4: .iso8859_4, 5: .iso8859_9,
        6: .iso8859_10, 7: .iso8859_13, 8: .iso8859_14, 9: .iso8859_15, 10: .iso8859_16,
    ]

    private static let isoIRNumber: [Int: KnownCharset] = [
        100: .iso8859_1, 101: .iso8859_2, 109: .iso8859_3, 110: .iso8859_4, 144: .iso8859_5, 127: .iso8859_6,
        126: .iso8859_7, 138: .iso8859_8, 148: .iso8859_9, 157: .iso8859_10, 166: .iso8859_11, 179: .iso8859_13,
        199: .iso8859_14, 203: .iso8859_15, 226: .iso8859_16, 6: .usASCII,
    ]

    /// Windows code page numbers (as in `cp1252`, `windows-936`, `cp65001`).
    private static func codePage(_ number: Int) -> KnownCharset? {
        switch number {
        case 1250: .windows1250
        case 1251: .windows1251
        case 1252: .windows1252
        case 1253: .windows1253
        case 1254: .windows1254
        case 1255: .windows1255
        case 1256: .windows1256
        case 1257: .windows1257
        case 1258: .windows1258
        case 874: .windows874
        case 866: .ibm866
        case 367: .usASCII
        case 819: .iso8859_1
        case 932, 943: .windows31J
        case 936: .gbk
        case 949: .eucKR
        case 950: .big5
        case 951: .big5HKSCS
        case 1200: .utf16LE
        case 1201: .utf16BE
        case 12000: .utf32LE
        case 12001: .utf32BE
        case 10000: .macintosh
        case 20127: .usASCII
        case 20866: .koi8R
        case 21866: .koi8U
        case 20932, 51932: .eucJP
        case 20936: .gb2312
        case 50220, 50221, 50222: .iso2022JP
        case 51949: .eucKR
        case 54936: .gb18030
        case 65000: .utf7
        case 65001: .utf8
        case 28591...28599: isoPart(number - 28590)
        case 28603, 28605: isoPart(number - 28590)
        default: nil
        }
    }

    /// Every other label, by `aliasKey`.
    private static let aliases: [String: KnownCharset] = {
        var table: [String: KnownCharset] = [:]
        func add(_ charset: KnownCharset, _ labels: String...) {
            table[aliasKey(charset.rawValue)] = charset
            for label in labels { table[aliasKey(label)] = charset }
        }
        add(.utf8, "utf8", "unicode-1-1-utf-8", "unicode-2-0-utf-8", "unicode20utf8", "csutf8")
        add(.usASCII, "ascii", "us", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso646-us", "iso_646.irv:1991", "csascii", "646", "usascii7")
        add(.iso8859_1, "l1", "iso-latin-1", "csisolatin1", "iso_8859-1:1987", "latin-1")
        add(.iso8859_2, "l2", "csisolatin2")
        add(.iso8859_3, "l3", "csisolatin3")
        add(.iso8859_4, "l4", "csisolatin4")
        add(.iso8859_5, "cyrillic", "csisolatincyrillic")
        add(.iso8859_6, "arabic", "asmo-708", "ecma-114", "csisolatinarabic", "iso-8859-6-i", "iso-8859-6-e")
        add(.iso8859_7, "greek", "greek8", "elot_928", "ecma-118", "csisolatingreek", "sun_eu_greek")
        add(.iso8859_8, "hebrew", "csisolatinhebrew", "iso-8859-8-i", "iso-8859-8-e", "visual", "logical", "csiso88598i")
        add(.iso8859_9, "l5", "csisolatin5", "turkish")
        add(.iso8859_10, "l6", "csisolatin6")
        add(.iso8859_11, "tis-620", "tis620", "tis620-0", "tis620.2529-1", "tis620.2533-0", "thai")
        add(.iso8859_13, "l7")
        add(.iso8859_14, "l8")
        add(.iso8859_15, "l9", "latin-9", "csisolatin9", "latin0")
        add(.iso8859_16, "l10")
        add(.windows874, "dos-874")
        add(.windows1252, "ms-ansi", "ansi", "ansi1252")
        add(.windows1251, "ms-cyrl")
        add(.windows1250, "ms-ee")
        add(.windows1253, "ms-greek")
        add(.windows1254, "ms-turk")
        add(.windows1255, "ms-hebr")
        add(.windows1256, "ms-arab")
        add(.windows1257, "winbaltrim")
        add(.koi8R, "koi8", "koi", "cskoi8r", "koi8_r")
        add(.koi8U, "koi8_u", "koi8-ru")
        add(.ibm866, "866", "csibm866", "dos-866")
        add(.macintosh, "mac", "macroman", "mac-roman", "csmacintosh")
        add(.gb2312, "csgb2312", "euc-cn", "euccn", "cn-gb", "gb_2312-80", "chinese", "csiso58gb231280", "iso-ir-58", "gb")
        add(.gbk, "cp-gbk", "windows-gbk")
        add(.gb18030, "gb-18030", "gb18030-2000", "gb18030-2005", "gb18030-2022")
        add(.big5, "csbig5", "cn-big5", "big-5", "big-five", "bigfive", "big5-eten", "big5eten")
        add(.big5HKSCS, "big5hk", "hkscs", "big5-hkscs:2008", "big5-hkscs:2004")
        add(.shiftJIS, "sjis", "shift-jis", "shiftjis", "ms_kanji", "mskanji", "csshiftjis", "s-jis", "shift_jisx0213")
        add(.windows31J, "cswindows31j", "sjis-win", "sjis-open", "shift_jis-ms", "ms-kanji-win")
        add(.eucJP, "eucjp", "cseucpkdfmtjapanese", "euc-jp-ms", "eucjp-ms", "eucjp-win", "eucjp-open", "ujis")
        add(.iso2022JP, "csiso2022jp", "jis", "iso-2022-jp-2", "iso-2022-jp-3", "iso-2022-jp-ms", "csiso2022jp2", "jis7", "jis_encoding")
        add(.iso2022KR, "csiso2022kr")
        add(.eucKR, "ks_c_5601-1987", "ks_c_5601-1989", "ks_c_5601", "ksc5601", "ksc_5601", "csksc56011987",
            "iso-ir-149", "korean", "euckr", "cseuckr", "uhc", "unified-hangul", "windows-949", "ks_c_5601_1987")
        add(.utf16, "ucs-2", "iso-10646-ucs-2", "csunicode", "unicode", "utf16")
        add(.utf16LE, "ucs-2le", "unicodelittleunmarked", "unicodefffe")
        add(.utf16BE, "ucs-2be", "unicodebigunmarked")
        add(.utf32, "ucs-4", "iso-10646-ucs-4", "csucs4")
        add(.utf32LE, "ucs-4le")
        add(.utf32BE, "ucs-4be")
        add(.utf7, "unicode-1-1-utf-7", "csunicode11utf7", "unicode-2-0-utf-7", "utf7")
        return table
    }()
}

/// Trimming of a declared label before lookup.
enum CharsetLabel {
    /// `label` without surrounding ASCII whitespace and quotes; nil when nothing is left.
    static func trimmed(_ label: String?) -> String? {
        guard let label else { return nil }
        let utf8 = label.utf8
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return nil }
        if !isNoise(firstByte), !isNoise(lastByte) { return label }
        guard let first = utf8.firstIndex(where: { !isNoise($0) }), let last = utf8.lastIndex(where: { !isNoise($0) }) else {
            return nil
        }
        return String(label[first...last])
    }

    private static func isNoise(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x22 || byte == 0x27
    }
}
