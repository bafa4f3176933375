import Foundation
import Mail
import Testing

/// Bytes from hex digits; spaces are ignored.
private func hex(_ digits: String) -> [UInt8] {
    let clean = Array(digits.filter { !$0.isWhitespace }.utf8)
    return stride(from: 0, to: clean.count - 1, by: 2).compactMap { UInt8(String(decoding: clean[$0...$0 + 1], as: UTF8.self), radix: 16) }
}

/// A sentence encoded by Python's codecs in one charset.
struct CharsetSample: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: String
    var text: String
    var charset: String
    var testDescription: String { label }

    init(_ label: String, _ bytes: String, _ text: String, charset: String? = nil) {
        self.label = label
        self.bytes = bytes
        self.text = text
        self.charset = charset ?? label
    }

    static let all: [CharsetSample] = [
        .init("utf-8", "4772c3bcc39f652c20e4b896e7958c2120f09f918b", "Grüße, 世界! 👋"),
        .init("us-ascii", "48656c6c6f2c20776f726c64", "Hello, world"),
        .init("iso-8859-1", "44e96ae02076752c206e61ef766520636166e9", "Déjà vu, naïve café", charset: "windows-1252"),
        .init("iso-8859-2", "5a61bff3b3e62067eab66cb1206a61bcf1", "Zażółć gęślą jaźń"),
        .init("iso-8859-3", "496c2db161f56120e56b656a6b6e61207461272047b16177646578", "Il-ħaġa ċkejkna ta' Għawdex"),
        .init("iso-8859-4", "ab696d656e6520b66f746920f3ba6465", "Ģimene ļoti ķēde"),
        .init("iso-8859-5", "bfe0d8d2d5e22c20dcd8e0", "Привет, мир"),
        .init("iso-8859-6", "e5d1cdc8c720c8c7e4d9c7e4e5", "مرحبا بالعالم"),
        .init("iso-8859-7", "c3e5e9dc20f3eff520eafcf3ece5", "Γειά σου κόσμε"),
        .init("iso-8859-8", "f9ece5ed20f2e5eced", "שלום עולם"),
        .init("iso-8859-9", "47fc6e617964fd6e2c20dd7374616e62756c", "Günaydın, İstanbul"),
        .init("iso-8859-10", "53e16d656769656c6c6120bf20b920bb", "Sámegiella ŋ đ ŧ"),
        .init("iso-8859-11", "cac7d1cab4d5aad2c7e2c5a1", "สวัสดีชาวโลก"),
        .init("iso-8859-13", "4c616261732072797461732c20e0fe756f6c6173", "Labas rytas, ąžuolas"),
        .init("iso-8859-14", "447964642053756c20f020fe20b8", "Dydd Sul ŵ ŷ ẁ"),
        .init("iso-8859-15", "3520a420706f7572206c27bd75767265", "5 € pour l'œuvre"),
        .init("iso-8859-16", "aa7469696efe6520ba69207465686e6f6c6f676965", "Științe și tehnologie"),
        .init("windows-1250", "50f8ed6c699a209e6c759d6f75e86bfd206bf9f2", "Příliš žluťoučký kůň"),
        .init("windows-1251", "cff0e8e2e5f22c20ece8f0209720b8ebeae0", "Привет, мир — ёлка"),
        .init("windows-1252", "9351756f74657394209620636166e9208035", "“Quotes” – café €5"),
        .init("windows-1253", "cae1ebe7ecddf1e120eafcf3ece5", "Καλημέρα κόσμε"),
        .init("windows-1254", "47fc6c652067fc6c652c20dd796920fe616e736c6172", "Güle güle, İyi şanslar"),
        .init("windows-1255", "f9ece5ed20f2e5eced20a4", "שלום עולם ₪"),
        .init("windows-1256", "e3d1cdc8c720c8c7e1dac7e1e3", "مرحبا بالعالم"),
        .init("windows-1257", "4c616261732072797461732c20e0fe756f6c6173", "Labas rytas, ąžuolas"),
        // Python writes ệ as ê + combining dot below; the decoder composes them.
        .init("windows-1258", "5669eaf274204e616d", "Vi\u{1EC7}t Nam"),
        .init("windows-874", "cac7d1cab4d5", "สวัสดี"),
        .init("koi8-r", "f3dfc5dbd820d6c520c5dda320dcd4c9c820cdd1c7cbc9c820c6d2c1cec3d5dad3cbc9c820c2d5cccfcb",
              "Съешь же ещё этих мягких французских булок"),
        .init("koi8-u", "f0d2c9d7a6d42c20d3d7a6d42120bdc1cecfcb", "Привіт, світ! Ґанок"),
        .init("gb2312", "c4e3bac3a3accac0bde7", "你好，世界"),
        .init("gbk", "c4e3bac3a3acd159c3e6", "你好，裏面"),
        .init("gb18030", "c4e3bac3209439fc36", "你好 😀"),
        .init("big5", "a741a66ea141bb4fc657", "你好，臺灣"),
        .init("big5-hkscs", "adbbb4e49def", "香港嘅"),
        .init("shift_jis", "82b182f182c982bf82cd814190a28a458149b6c0b6c5", "こんにちは、世界！ｶﾀｶﾅ"),
        .init("windows-31j", "8740878a8782", "①㈱№"),
        .init("euc-jp", "a4b3a4f3a4cba4c1a4cfa1a2c0a4b3a6", "こんにちは、世界"),
        .init("iso-2022-jp", "1b244224332473244b2441244f2122402433261b2842", "こんにちは、世界"),
        .init("euc-kr", "bec8b3e7c7cfbcbcbfe42c20bcbcb0e8", "안녕하세요, 세계"),
        // 똠 is only in CP949, which Microsoft labels ks_c_5601-1987.
        .init("ks_c_5601-1987", "8c63b9e6b0a2c7cf", "똠방각하", charset: "euc-kr"),
        .init("iso-2022-kr", "1b2429430e3e483367474f3c3c3f640f2c200e3c3c30680f", "안녕하세요, 세계"),
        .init("utf-16", "fffe47007200fc00df0065002000164e4c7520003dd800de", "Grüße 世界 😀"),
        .init("utf-16le", "47007200fc00df0065002000164e4c7520003dd800de", "Grüße 世界 😀"),
        .init("utf-16be", "0047007200fc00df006500204e16754c0020d83dde00", "Grüße 世界 😀"),
        .init("utf-32", "fffe00004700000072000000fc000000df000000650000002000000000f60100", "Grüße 😀"),
        .init("utf-7", "4869204d6f6d202d2b4a6a6f2d2d21", "Hi Mom -☺-!"),
    ]
}

@Suite("Mail charsets: decoding each charset")
struct MailCharsetDecodingTests {
    @Test("a sentence in each supported charset decodes exactly, with no problem", arguments: CharsetSample.all)
    func sample(_ sample: CharsetSample) {
        let decoded = MailCharset.decode(hex(sample.bytes), declaredCharset: sample.label)
        #expect(Array(decoded.text.unicodeScalars) == Array(sample.text.unicodeScalars))
        #expect(decoded == DecodedText(text: sample.text, charset: sample.charset, problem: nil))
    }

    @Test("the buffer-pointer and array entry points agree")
    func bufferPointer() {
        let bytes = hex("bfe0d8d2d5e22c20dcd8e0")
        let decoded = bytes.withUnsafeBytes { MailCharset.decode($0, declaredCharset: "ISO-8859-5") }
        #expect(decoded == DecodedText(text: "Привет, мир", charset: "iso-8859-5"))
    }

    @Test("iso-8859-1 and us-ascii text is windows-1252: the C1 range holds curly quotes")
    func latin1IsWindows1252() {
        #expect(MailCharset.decode(hex("93 68 69 94 20 85"), declaredCharset: "iso-8859-1")
            == DecodedText(text: "“hi” …", charset: "windows-1252"))
        #expect(MailCharset.decode(Array("plain".utf8), declaredCharset: "latin1")
            == DecodedText(text: "plain", charset: "windows-1252"))
        // The five bytes Windows leaves undefined are the C1 controls of ISO-8859-1.
        #expect(MailCharset.decode(hex("41 81 8d 8f 90 9d"), declaredCharset: "windows-1252")
            == DecodedText(text: "A\u{81}\u{8D}\u{8F}\u{90}\u{9D}", charset: "windows-1252"))
    }

    @Test("pure ASCII decodes as itself under any ASCII-compatible label")
    func asciiFastPath() {
        let bytes = Array("Re: status update\r\n".utf8)
        #expect(MailCharset.decode(bytes, declaredCharset: "utf-8") == DecodedText(text: "Re: status update\r\n", charset: "utf-8"))
        #expect(MailCharset.decode(bytes, declaredCharset: "us-ascii") == DecodedText(text: "Re: status update\r\n", charset: "us-ascii"))
        #expect(MailCharset.decode(bytes, declaredCharset: "Shift_JIS") == DecodedText(text: "Re: status update\r\n", charset: "shift_jis"))
        #expect(MailCharset.decode(bytes, declaredCharset: nil) == DecodedText(text: "Re: status update\r\n", charset: "us-ascii"))
        #expect(MailCharset.decode(bytes, declaredCharset: "iso-2022-jp") == DecodedText(text: "Re: status update\r\n", charset: "iso-2022-jp"))
        #expect(MailCharset.decode(bytes, declaredCharset: "utf-7") == DecodedText(text: "Re: status update\r\n", charset: "utf-7"))
    }

    @Test("empty input decodes to empty text in every charset")
    func emptyInput() {
        for label in ["utf-8", "us-ascii", "iso-8859-2", "shift_jis", "iso-2022-jp", "utf-16", "utf-32", "utf-7", "x-foo"] {
            let decoded = MailCharset.decode([], declaredCharset: label)
            #expect(decoded.text == "", "label \(label)")
        }
        #expect(MailCharset.decode([], declaredCharset: "utf-7") == DecodedText(text: "", charset: "utf-7"))
        #expect(MailCharset.decode([], declaredCharset: nil) == DecodedText(text: "", charset: "us-ascii"))
    }

    @Test("a UTF-8 byte order mark is dropped")
    func utf8ByteOrderMark() {
        #expect(MailCharset.decode(hex("efbbbf 68 c3 a9"), declaredCharset: "utf-8") == DecodedText(text: "hé", charset: "utf-8"))
        #expect(MailCharset.decode(hex("efbbbf 68 c3 a9"), declaredCharset: nil) == DecodedText(text: "hé", charset: "utf-8"))
    }

    @Test("UTF-16 byte order: a BOM wins and is dropped; without one the label or the zero bytes decide")
    func utf16ByteOrder() {
        #expect(MailCharset.decode(hex("feff 0048 0069"), declaredCharset: "utf-16") == DecodedText(text: "Hi", charset: "utf-16"))
        #expect(MailCharset.decode(hex("fffe 4800 6900"), declaredCharset: "utf-16le") == DecodedText(text: "Hi", charset: "utf-16le"))
        #expect(MailCharset.decode(hex("fffe 4800 6900"), declaredCharset: "utf-16be") == DecodedText(text: "Hi", charset: "utf-16be"))
        #expect(MailCharset.decode(hex("4800 6900"), declaredCharset: "utf-16") == DecodedText(text: "Hi", charset: "utf-16"))
        #expect(MailCharset.decode(hex("0048 0069"), declaredCharset: "utf-16") == DecodedText(text: "Hi", charset: "utf-16"))
        #expect(MailCharset.decode(hex("0000feff 00000048"), declaredCharset: "utf-32") == DecodedText(text: "H", charset: "utf-32"))
        #expect(MailCharset.decode(hex("48000000"), declaredCharset: "utf-32le") == DecodedText(text: "H", charset: "utf-32le"))
    }

    @Test("ISO-2022-JP: half-width katakana, NEC special characters, JIS C 6226 and JIS-Roman escapes")
    func iso2022JPVariants() {
        // ESC ( I katakana, ESC $ B row 13 (①, ㈱), ESC $ @ (日), ESC ( J roman, ESC ( B.
        let bytes = hex("1b2849 3132 1b2442 2d21 2d6a 1b2440 467c 1b284a 41 1b2842 0d0a")
        #expect(MailCharset.decode(bytes, declaredCharset: "ISO-2022-JP") == DecodedText(text: "ｱｲ①㈱日A\r\n", charset: "iso-2022-jp"))
        // Shift out / shift in for katakana, as CP50222 writes it.
        #expect(MailCharset.decode(hex("41 0e 31 0f 42"), declaredCharset: "iso-2022-jp") == DecodedText(text: "AｱB", charset: "iso-2022-jp"))
        // JIS X 0212 (ESC $ ( D): 丂.
        #expect(MailCharset.decode(hex("1b242844 3021 1b2842"), declaredCharset: "iso-2022-jp") == DecodedText(text: "丂", charset: "iso-2022-jp"))
    }
}

@Suite("Mail charsets: labels")
struct MailCharsetLabelTests {
    @Test("labels as mail clients write them resolve to canonical names", arguments: [
        ("latin1", "iso-8859-1"), ("latin-1", "iso-8859-1"), ("ISO8859-1", "iso-8859-1"), ("iso_8859-1:1987", "iso-8859-1"),
        ("\"ISO-8859-1\"", "iso-8859-1"), (" l1 ", "iso-8859-1"), ("iso-ir-100", "iso-8859-1"), ("cp819", "iso-8859-1"),
        ("x-sjis", "shift_jis"), ("csshiftjis", "shift_jis"), ("Shift-JIS", "shift_jis"), ("MS_Kanji", "shift_jis"),
        ("cp932", "windows-31j"), ("Windows-31J", "windows-31j"),
        ("ks_c_5601-1987", "euc-kr"), ("KS_C_5601-1987", "euc-kr"), ("cp949", "euc-kr"), ("x-euc-kr", "euc-kr"),
        ("gb2312", "gb2312"), ("euc-cn", "gb2312"), ("x-gbk", "gbk"), ("ms936", "gbk"), ("cp936", "gbk"), ("GB18030", "gb18030"),
        ("big5", "big5"), ("x-x-big5", "x-x-big5"), ("cn-big5", "big5"), ("Big5-HKSCS", "big5-hkscs"),
        ("unicode-1-1-utf-7", "utf-7"), ("UTF-7", "utf-7"),
        ("utf8", "utf-8"), ("UTF-8", "utf-8"), ("'utf-8'", "utf-8"), ("x-utf-8", "utf-8"), ("cp65001", "utf-8"),
        ("ascii", "us-ascii"), ("US-ASCII", "us-ascii"), ("ANSI_X3.4-1968", "us-ascii"),
        ("cp1252", "windows-1252"), ("windows1252", "windows-1252"), ("x-cp1252", "windows-1252"), ("win-1251", "windows-1251"),
        ("Windows-1250", "windows-1250"), ("cp1258", "windows-1258"), ("tis-620", "iso-8859-11"), ("windows-874", "windows-874"),
        ("latin2", "iso-8859-2"), ("latin9", "iso-8859-15"), ("ISO_8859-15", "iso-8859-15"), ("iso-8859-8-i", "iso-8859-8"),
        ("koi8r", "koi8-r"), ("KOI8-U", "koi8-u"), ("x-mac-roman", "macintosh"), ("cp866", "ibm866"),
        ("EUC-JP", "euc-jp"), ("x-euc-jp", "euc-jp"), ("csISO2022JP", "iso-2022-jp"), ("ISO-2022-JP", "iso-2022-jp"),
        ("csISO2022KR", "iso-2022-kr"), ("UTF-16LE", "utf-16le"), ("ucs-2", "utf-16"), ("utf-32be", "utf-32be"),
        ("X-Unknown-Thing", "x-unknown-thing"), ("iso-8859-12", "iso-8859-12"), ("", ""), ("  \"\" ", ""),
    ])
    func canonicalName(_ label: String, _ canonical: String) {
        #expect(MailCharset.canonicalName(label) == canonical)
    }

    @Test("an empty or blank label counts as undeclared")
    func blankLabel() {
        let bytes = hex("63 61 66 c3 a9")
        #expect(MailCharset.decode(bytes, declaredCharset: "") == DecodedText(text: "café", charset: "utf-8"))
        #expect(MailCharset.decode(bytes, declaredCharset: "  ") == DecodedText(text: "café", charset: "utf-8"))
        #expect(MailCharset.decode(bytes, declaredCharset: "\"\"") == DecodedText(text: "café", charset: "utf-8"))
    }

    @Test("aliases decode like their canonical charset")
    func aliasDecodes() {
        let sjis = hex("93fa967b8cea")
        #expect(MailCharset.decode(sjis, declaredCharset: "x-sjis") == DecodedText(text: "日本語", charset: "shift_jis"))
        #expect(MailCharset.decode(hex("d6d0cec4"), declaredCharset: "\"x-gbk\"") == DecodedText(text: "中文", charset: "gbk"))
        #expect(MailCharset.decode(hex("93 41 94"), declaredCharset: "CP1252") == DecodedText(text: "“A”", charset: "windows-1252"))
    }
}

@Suite("Mail charsets: fallbacks and problems")
struct MailCharsetProblemTests {
    @Test("non-ASCII bytes under us-ascii decode as UTF-8 when valid, reported as mislabeled")
    func asciiLabelWithUTF8() {
        #expect(MailCharset.decode(hex("63 61 66 c3 a9"), declaredCharset: "us-ascii") == DecodedText(
            text: "café", charset: "utf-8",
            problem: CharsetProblem(kind: .mislabeled, declared: "us-ascii", used: "utf-8")
        ))
    }

    @Test("non-ASCII bytes under us-ascii that are not UTF-8 decode as windows-1252, reported as mislabeled")
    func asciiLabelWithLatin1() {
        let decoded = MailCharset.decode(hex("63 61 66 e9 20 93 78 94"), declaredCharset: "US-ASCII")
        #expect(decoded == DecodedText(
            text: "café “x”", charset: "windows-1252",
            problem: CharsetProblem(kind: .mislabeled, declared: "US-ASCII", used: "windows-1252")
        ))
        #expect(decoded.problem?.description == "charset \"US-ASCII\" does not match the bytes; decoded as windows-1252")
    }

    @Test("windows-1252 text labelled utf-8 decodes as windows-1252, reported as mislabeled")
    func utf8LabelWithWindows1252() {
        let decoded = MailCharset.decode(hex("4772fc df 65 20 93 71 94 20 e9"), declaredCharset: "utf-8")
        #expect(decoded == DecodedText(
            text: "Grüße “q” é", charset: "windows-1252",
            problem: CharsetProblem(kind: .mislabeled, declared: "utf-8", used: "windows-1252")
        ))
    }

    @Test("invalid bytes among real UTF-8 become U+FFFD, reported as invalid bytes")
    func utf8WithInvalidBytes() {
        let decoded = MailCharset.decode(hex("c3a9 20 ff 20 e4b896 20 c0af"), declaredCharset: "utf-8")
        #expect(decoded == DecodedText(
            text: "é \u{FFFD} 世 \u{FFFD}\u{FFFD}", charset: "utf-8",
            problem: CharsetProblem(kind: .invalidBytes, declared: "utf-8", used: "utf-8")
        ))
        #expect(decoded.problem?.description == "charset \"utf-8\" has bytes invalid in utf-8; they became U+FFFD")
    }

    @Test("bytes Windows-1252 leaves undefined are not taken for windows-1252 under a utf-8 label")
    func utf8WithUndefinedWindows1252Byte() {
        #expect(MailCharset.decode(hex("41 81 42"), declaredCharset: "utf-8") == DecodedText(
            text: "A\u{FFFD}B", charset: "utf-8",
            problem: CharsetProblem(kind: .invalidBytes, declared: "utf-8", used: "utf-8")
        ))
    }

    @Test("UTF-8 cut off in the middle of a character ends in U+FFFD")
    func truncatedUTF8() {
        #expect(MailCharset.decode(hex("61 62 63 e2 82"), declaredCharset: "utf-8") == DecodedText(
            text: "abc\u{FFFD}", charset: "utf-8",
            problem: CharsetProblem(kind: .invalidBytes, declared: "utf-8", used: "utf-8")
        ))
    }

    @Test("an unknown charset decodes as UTF-8 when valid, else as windows-1252, reported as unknown")
    func unknownCharset() {
        #expect(MailCharset.decode(hex("63 61 66 c3 a9"), declaredCharset: "x-foo") == DecodedText(
            text: "café", charset: "utf-8",
            problem: CharsetProblem(kind: .unknownCharset, declared: "x-foo", used: "utf-8")
        ))
        let latin = MailCharset.decode(hex("63 61 66 e9"), declaredCharset: " \"x-foo\" ")
        #expect(latin == DecodedText(
            text: "café", charset: "windows-1252",
            problem: CharsetProblem(kind: .unknownCharset, declared: "x-foo", used: "windows-1252")
        ))
        #expect(latin.problem?.description == "charset \"x-foo\" is unknown; decoded as windows-1252")
        #expect(MailCharset.decode(Array("ok".utf8), declaredCharset: "x-foo") == DecodedText(
            text: "ok", charset: "utf-8",
            problem: CharsetProblem(kind: .unknownCharset, declared: "x-foo", used: "utf-8")
        ))
    }

    @Test("undeclared bytes: ASCII and UTF-8 decode quietly, anything else as windows-1252 reported as mislabeled")
    func undeclared() {
        #expect(MailCharset.decode(hex("63 61 66 c3 a9"), declaredCharset: nil) == DecodedText(text: "café", charset: "utf-8"))
        let decoded = MailCharset.decode(hex("63 61 66 e9"), declaredCharset: nil)
        #expect(decoded == DecodedText(
            text: "café", charset: "windows-1252",
            problem: CharsetProblem(kind: .mislabeled, declared: nil, used: "windows-1252")
        ))
        #expect(decoded.problem?.description == "no charset declared and the bytes are not UTF-8; decoded as windows-1252")
    }

    @Test("invalid bytes in the middle of Shift_JIS become U+FFFD and the text after them is kept")
    func shiftJISInvalidMiddle() {
        // 日本 | 0x80 (no character) | 語 | 0x81 0x20 (lead byte, ASCII trail) | テ | 0x85 0x9F (unassigned pair) | キスト
        let bytes = hex("93fa967b 80 8cea 8120 8365 859f 834c83588367")
        #expect(MailCharset.decode(bytes, declaredCharset: "shift_jis") == DecodedText(
            text: "日本\u{FFFD}語\u{FFFD} テ\u{FFFD}キスト", charset: "shift_jis",
            problem: CharsetProblem(kind: .invalidBytes, declared: "shift_jis", used: "shift_jis")
        ))
    }

    @Test("an unmappable pair in other multi-byte charsets is one U+FFFD, the rest is kept", arguments: [
        ("euc-kr", "c7d1 c9a1 b1b9beee", "한\u{FFFD}국어"),
        ("big5", "a4a4 a3e1 a4e5", "中\u{FFFD}文"),
        ("gb18030", "d6d0 ff cec4", "中\u{FFFD}文"),
        ("euc-jp", "c6fc a9a1 cbdc", "日\u{FFFD}本"),
        ("windows-1250", "41 81 42", "A\u{FFFD}B"),
        ("iso-2022-jp", "41 e9 1b2442 467c 1b2842", "A\u{FFFD}日"),
        ("iso-2022-jp", "1b2441 4142 1b2842", "\u{FFFD}$AAB"),
        ("utf-7", "61 e9 62", "a\u{FFFD}b"),
        ("utf-16le", "4100 00d8 4200", "A\u{FFFD}B"),
    ])
    func multiByteInvalid(_ label: String, _ bytes: String, _ text: String) {
        let canonical = MailCharset.canonicalName(label)
        #expect(MailCharset.decode(hex(bytes), declaredCharset: label) == DecodedText(
            text: text, charset: canonical,
            problem: CharsetProblem(kind: .invalidBytes, declared: label, used: canonical)
        ))
    }

    @Test("a multi-byte character cut off at the end becomes U+FFFD", arguments: [
        ("shift_jis", "93fa967b 93", "日本\u{FFFD}"),
        ("gb18030", "d6d0 8130", "中\u{FFFD}"),
        ("euc-jp", "c6fc cb", "日\u{FFFD}"),
        ("big5", "a4a4 a4", "中\u{FFFD}"),
        ("iso-2022-jp", "1b2442 467c 46", "日\u{FFFD}"),
        ("utf-16be", "0041 00", "A\u{FFFD}"),
        ("utf-32le", "41000000 4200", "A\u{FFFD}"),
    ])
    func truncatedMultiByte(_ label: String, _ bytes: String, _ text: String) {
        let canonical = MailCharset.canonicalName(label)
        #expect(MailCharset.decode(hex(bytes), declaredCharset: label) == DecodedText(
            text: text, charset: canonical,
            problem: CharsetProblem(kind: .invalidBytes, declared: label, used: canonical)
        ))
    }

    @Test("a problem survives a JSON round trip")
    func problemCodable() throws {
        let problem = CharsetProblem(kind: .unknownCharset, declared: "x-foo", used: "utf-8")
        let data = try JSONEncoder().encode(problem)
        #expect(try JSONDecoder().decode(CharsetProblem.self, from: data) == problem)
        #expect(problem.description == "charset \"x-foo\" is unknown; decoded as utf-8")
        #expect("\(problem)" == "charset \"x-foo\" is unknown; decoded as utf-8")
    }
}

@Suite("Mail charsets: robustness")
struct MailCharsetRobustnessTests {
    @Test("100 concurrent tasks decoding different charsets all get exact results")
    func concurrentDecoding() async {
        let samples = CharsetSample.all
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<100 {
                group.addTask {
                    var failures = 0
                    for round in 0..<20 {
                        let sample = samples[(task + round * 7) % samples.count]
                        let decoded = MailCharset.decode(hex(sample.bytes), declaredCharset: sample.label)
                        if decoded != DecodedText(text: sample.text, charset: sample.charset) { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test("a decode that stopped mid-sequence or mid-shift leaves nothing behind for the next one")
    func stateDoesNotLeak() {
        for _ in 0..<50 {
            _ = MailCharset.decode(hex("61 2b 41 47"), declaredCharset: "utf-7")
            #expect(MailCharset.decode(hex("78 2b 2d"), declaredCharset: "utf-7") == DecodedText(text: "x+", charset: "utf-7"))
            _ = MailCharset.decode(hex("1b242943 0e 3e48"), declaredCharset: "iso-2022-kr")
            #expect(MailCharset.decode(hex("1b242943 41 0e 3e48 0f 42"), declaredCharset: "iso-2022-kr")
                == DecodedText(text: "A안B", charset: "iso-2022-kr"))
        }
    }

    @Test("random bytes in every charset decode without crashing, naming a canonical charset")
    func randomBytes() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let labels = Set(CharsetSample.all.map(\.label)).sorted() + ["utf-32be", "x-foo", "ibm866", "macintosh"]
        var checked = 0
        for label in labels {
            for _ in 0..<40 {
                let count = Int(next() % 64)
                let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
                let decoded = MailCharset.decode(bytes, declaredCharset: label)
                if MailCharset.canonicalName(decoded.charset) == decoded.charset, (decoded.problem?.used ?? decoded.charset) == decoded.charset {
                    checked += 1
                }
            }
        }
        #expect(checked == labels.count * 40)
    }
}
