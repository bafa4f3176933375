/// Decodes HTML character references in text and attribute values.
///
/// Named references cover HTML 4's set (Latin-1, symbols, typography) plus `apos`; the
/// Latin-1 ones and `amp`, `lt`, `gt`, `quot` are also read without their `;`, as browsers do.
/// Numeric references map 128–159 through Windows-1252 and NUL, surrogates and values beyond
/// U+10FFFF to U+FFFD. Anything else is kept literally.
enum HTMLEntities {
    /// `bytes` (UTF-8) as a string with references decoded. In an attribute value a reference
    /// without `;` followed by a letter, digit or `=` stays literal (`?a=1&copy=2` is a URL).
    static func decode(_ bytes: ArraySlice<UInt8>, inAttribute: Bool = false) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var output = ""
        output.reserveCapacity(bytes.count)
        var pending: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&"), let (scalar, length) = reference(in: bytes, at: index, inAttribute: inAttribute) else {
                pending.append(byte)
                index += 1
                continue
            }
            output += String(decoding: pending, as: UTF8.self)
            pending.removeAll(keepingCapacity: true)
            output.unicodeScalars.append(scalar)
            index += length
        }
        output += String(decoding: pending, as: UTF8.self)
        return output
    }

    /// The reference starting at `start` (an `&`) and its length in bytes.
    private static func reference(in bytes: ArraySlice<UInt8>, at start: Int, inAttribute: Bool) -> (Unicode.Scalar, Int)? {
        var index = start + 1
        guard index < bytes.endIndex else { return nil }
        if bytes[index] == UInt8(ascii: "#") {
            index += 1
            var radix: UInt32 = 10
            if index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "x") {
                radix = 16
                index += 1
            }
            let digitsStart = index
            var value: UInt32 = 0
            while index < bytes.endIndex, let digit = digitValue(bytes[index], radix: radix) {
                value = value > 0x10FFFF ? value : value * radix + digit
                index += 1
            }
            guard index > digitsStart else { return nil }
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: ";") { index += 1 }
            return (numericScalar(value), index - start)
        }
        let nameStart = index
        while index < bytes.endIndex, index - nameStart < 10, isAlphanumeric(bytes[index]) { index += 1 }
        guard index > nameStart else { return nil }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ";"), let scalar = named[name] {
            return (scalar, index + 1 - start)
        }
        // Legacy references without `;`: the longest known prefix.
        var end = index
        while end > nameStart {
            let candidate = String(decoding: bytes[nameStart..<end], as: UTF8.self)
            if legacy.contains(candidate), let scalar = named[candidate] {
                if inAttribute, end < bytes.endIndex, isAlphanumeric(bytes[end]) || bytes[end] == UInt8(ascii: "=") { return nil }
                return (scalar, end - start)
            }
            end -= 1
        }
        return nil
    }

    private static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        HTMLLexer.isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func numericScalar(_ value: UInt32) -> Unicode.Scalar {
        if (128...159).contains(value), let mapped = windows1252[Int(value - 128)] { return mapped }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return scalar
    }

    /// Windows-1252's characters for 0x80–0x9F (`nil` where it has none).
    private static let windows1252: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]

    /// HTML 4's Latin-1 names, for U+00A0 to U+00FF in order.
    private static let latin1Names = """
        nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr \
        deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest \
        Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml \
        ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig \
        agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml \
        eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
        """.split(separator: " ").map(String.init)

    private static let legacy: Set<String> = Set(latin1Names + ["amp", "lt", "gt", "quot", "AMP", "LT", "GT", "QUOT"])

    private static let named: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        for (offset, name) in latin1Names.enumerated() {
            table[name] = Unicode.Scalar(UInt32(0xA0 + offset))!
        }
        let others: [(String, UInt32)] = [
            ("amp", 0x26), ("lt", 0x3C), ("gt", 0x3E), ("quot", 0x22), ("apos", 0x27),
            ("AMP", 0x26), ("LT", 0x3C), ("GT", 0x3E), ("QUOT", 0x22),
            ("OElig", 0x152), ("oelig", 0x153), ("Scaron", 0x160), ("scaron", 0x161), ("Yuml", 0x178),
            ("fnof", 0x192), ("circ", 0x2C6), ("tilde", 0x2DC),
            ("ensp", 0x2002), ("emsp", 0x2003), ("thinsp", 0x2009), ("zwnj", 0x200C), ("zwj", 0x200D),
            ("lrm", 0x200E), ("rlm", 0x200F), ("ndash", 0x2013), ("mdash", 0x2014), ("lsquo", 0x2018),
            ("rsquo", 0x2019), ("sbquo", 0x201A), ("ldquo", 0x201C), ("rdquo", 0x201D), ("bdquo", 0x201E),
            ("dagger", 0x2020), ("Dagger", 0x2021), ("bull", 0x2022), ("hellip", 0x2026), ("permil", 0x2030),
            ("prime", 0x2032), ("Prime", 0x2033), ("lsaquo", 0x2039), ("rsaquo", 0x203A), ("oline", 0x203E),
            ("frasl", 0x2044), ("euro", 0x20AC), ("trade", 0x2122), ("larr", 0x2190), ("uarr", 0x2191),
            ("rarr", 0x2192), ("darr", 0x2193), ("harr", 0x2194), ("lArr", 0x21D0), ("rArr", 0x21D2),
            ("hArr", 0x21D4), ("minus", 0x2212), ("lowast", 0x2217), ("radic", 0x221A), ("infin", 0x221E),
            ("ne", 0x2260), ("equiv", 0x2261), ("le", 0x2264), ("ge", 0x2265), ("asymp", 0x2248),
            ("loz", 0x25CA), ("spades", 0x2660), ("clubs", 0x2663), ("hearts", 0x2665), ("diams", 0x2666),
            ("Alpha", 0x391), ("Beta", 0x392), ("Gamma", 0x393), ("Delta", 0x394), ("Omega", 0x3A9),
            ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
            ("lambda", 0x3BB), ("mu", 0x3BC), ("pi", 0x3C0), ("sigma", 0x3C3), ("omega", 0x3C9),
            ("check", 0x2713), ("star", 0x2606), ("nbhy", 0x2011),
        ]
        for (name, value) in others {
            table[name] = Unicode.Scalar(value)!
        }
        return table
    }()
}
