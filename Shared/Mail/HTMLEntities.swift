/// Decoding of HTML character references (`&amp;`, `&#233;`, `&#xE9;`).
enum HTMLEntities {
    /// Decodes the character references in `bytes` (UTF-8). Numeric references need no `;`; named
    /// ones do, except the legacy names browsers accept bare (`&amp`, `&nbsp`, the Latin-1 set),
    /// which are decoded only when no letter, digit or `=` follows. Unknown names stay as written.
    /// Invalid code points become U+FFFD; 0x80–0x9F map through Windows-1252 as browsers do.
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&"), let (scalar, end) = reference(in: bytes, at: index) else {
                output.append(byte)
                index += 1
                continue
            }
            UTF8.encode(scalar) { output.append($0) }
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The reference starting at the `&` at `start`, with the index after it.
    private static func reference(in bytes: ArraySlice<UInt8>, at start: Int) -> (Unicode.Scalar, Int)? {
        var index = start + 1
        guard index < bytes.endIndex else { return nil }
        if bytes[index] == UInt8(ascii: "#") { return numericReference(in: bytes, at: index + 1) }
        let nameStart = index
        while index < bytes.endIndex, index - nameStart < 32, HTMLByte.isLetter(bytes[index]) || HTMLByte.isDigit(bytes[index]) {
            index += 1
        }
        guard index > nameStart else { return nil }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ";") {
            guard let value = named[name], let scalar = Unicode.Scalar(value) else { return nil }
            return (scalar, index + 1)
        }
        guard legacyNames.contains(name), let value = named[name], let scalar = Unicode.Scalar(value) else { return nil }
        if index < bytes.endIndex {
            let next = bytes[index]
            if HTMLByte.isLetter(next) || HTMLByte.isDigit(next) || next == UInt8(ascii: "=") { return nil }
        }
        return (scalar, index)
    }

    /// `&#…` after the `#` at `start - 1`: decimal, or hexadecimal after `x`/`X`; `;` optional.
    private static func numericReference(in bytes: ArraySlice<UInt8>, at start: Int) -> (Unicode.Scalar, Int)? {
        var index = start
        var hex = false
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "x") || bytes[index] == UInt8(ascii: "X") {
            hex = true
            index += 1
        }
        let digitsStart = index
        var value: UInt32 = 0
        var overflow = false
        while index < bytes.endIndex, let digit = digitValue(bytes[index], hex: hex) {
            if !overflow {
                value = value * (hex ? 16 : 10) + digit
                overflow = value > 0x10FFFF
            }
            index += 1
        }
        guard index > digitsStart else { return nil }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ";") { index += 1 }
        let replacement: Unicode.Scalar = "\u{FFFD}"
        if overflow || value == 0 { return (replacement, index) }
        if let mapped = windows1252[value] { return (Unicode.Scalar(mapped) ?? replacement, index) }
        return (Unicode.Scalar(value) ?? replacement, index)
    }

    private static func digitValue(_ byte: UInt8, hex: Bool) -> UInt32? {
        if HTMLByte.isDigit(byte) { return UInt32(byte - UInt8(ascii: "0")) }
        guard hex else { return nil }
        let lower = HTMLByte.lowercased(byte)
        guard lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "f") else { return nil }
        return UInt32(lower - UInt8(ascii: "a") + 10)
    }

    /// Latin-1 names for U+00A0 … U+00FF, in code point order.
    static let latin1Names = [
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo",
        "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
        "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",
        "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute",
        "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash",
        "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde",
        "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
        "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave",
        "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
    ]

    private static let legacyNames: Set<String> = Set(latin1Names).union(["amp", "lt", "gt", "quot", "AMP", "LT", "GT", "QUOT"])

    /// Named references and their code points.
    static let named: [String: UInt32] = {
        var table: [String: UInt32] = [
            "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27,
            "AMP": 0x26, "LT": 0x3C, "GT": 0x3E, "QUOT": 0x22,
            "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192,
            "circ": 0x2C6, "tilde": 0x2DC, "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009,
            "zwnj": 0x200C, "zwj": 0x200D, "lrm": 0x200E, "rlm": 0x200F,
            "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018, "rsquo": 0x2019, "sbquo": 0x201A,
            "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E, "dagger": 0x2020, "Dagger": 0x2021,
            "bull": 0x2022, "hellip": 0x2026, "permil": 0x2030, "prime": 0x2032, "Prime": 0x2033,
            "lsaquo": 0x2039, "rsaquo": 0x203A, "oline": 0x203E, "euro": 0x20AC, "trade": 0x2122,
            "larr": 0x2190, "uarr": 0x2191, "rarr": 0x2192, "darr": 0x2193, "harr": 0x2194, "rArr": 0x21D2,
            "minus": 0x2212, "lowast": 0x2217, "radic": 0x221A, "infin": 0x221E, "asymp": 0x2248,
            "ne": 0x2260, "le": 0x2264, "ge": 0x2265, "loz": 0x25CA,
            "spades": 0x2660, "clubs": 0x2663, "hearts": 0x2665, "diams": 0x2666,
            "Alpha": 0x391, "Beta": 0x392, "Gamma": 0x393, "Delta": 0x394, "Omega": 0x3A9,
            "alpha": 0x3B1, "beta": 0x3B2, "gamma": 0x3B3, "delta": 0x3B4, "pi": 0x3C0, "mu": 0x3BC,
            "sigma": 0x3C3, "omega": 0x3C9,
            "Tab": 0x09, "NewLine": 0x0A,
        ]
        for (offset, name) in latin1Names.enumerated() { table[name] = 0xA0 + UInt32(offset) }
        return table
    }()

    /// Code points 0x80–0x9F as browsers read them in numeric references (Windows-1252).
    private static let windows1252: [UInt32: UInt32] = [
        0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
        0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152, 0x8E: 0x017D, 0x91: 0x2018,
        0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC,
        0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A, 0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
    ]
}
