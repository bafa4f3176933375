/// Finds `cid:` references in HTML (`<img src="cid:logo@x">`, `url(cid:…)`).
enum ContentIDReferences {
    /// The referenced ids in order of first appearance, percent-decoded, without duplicates.
    static func find(in html: String) -> [String] {
        let utf8 = Array(html.utf8)
        var found: [String] = []
        var index = 0
        while index + 4 <= utf8.count {
            if (utf8[index] | 0x20) == 0x63, (utf8[index + 1] | 0x20) == 0x69, (utf8[index + 2] | 0x20) == 0x64, utf8[index + 3] == ASCII.colon {
                var end = index + 4
                while end < utf8.count {
                    let byte = utf8[end]
                    if byte == 0x22 || byte == 0x27 || byte == 0x29 || byte == 0x3E || byte <= 0x20 { break }
                    end += 1
                }
                if end > index + 4 {
                    let id = String(decoding: utf8[(index + 4)..<end], as: UTF8.self)
                    let decoded = id.removingPercentEncodingIfPossible()
                    if !found.contains(decoded) { found.append(decoded) }
                }
                index = end
            } else {
                index += 1
            }
        }
        return found
    }
}

extension String {
    fileprivate func removingPercentEncodingIfPossible() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == 0x25, index + 2 < utf8.count,
                let high = QuotedPrintableDecoder.hexValue(utf8[index + 1]), let low = QuotedPrintableDecoder.hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
