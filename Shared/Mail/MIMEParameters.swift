/// Parses `value; name=token; name="quoted"` header values (Content-Type, Content-Disposition),
/// with RFC 2231 continuations and charsets (`name*0*=utf-8''%E2%82%AC; name*1=…`).
///
/// Tolerant as clients are: missing semicolons, unquoted values with spaces, duplicate names (the
/// first wins), RFC 2047 words inside quoted values (`name="=?utf-8?B?…?="`, which Outlook writes).
struct MIMEParameters: Sendable, Hashable {
    /// The part before the first `;`, lowercased and trimmed (`text/plain`, `attachment`).
    var value: String
    /// Parameter names lowercased, values decoded.
    var parameters: [String: String]
    /// Charset problems met while decoding parameter values.
    var problems: [String]

    init(parsing header: String) {
        let bytes = Array(header.utf8)
        var index = 0
        while index < bytes.count && bytes[index] != 0x3B /* ; */ { index += 1 }
        value = String(decoding: bytes[0..<index], as: UTF8.self).trimmingWhitespace().lowercased()
        var plain: [String: String] = [:]
        var extended: [String: [(section: Int, encoded: Bool, value: String)]] = [:]
        var problems: [String] = []
        while index < bytes.count {
            // Skip separators.
            while index < bytes.count && (bytes[index] == 0x3B || ASCII.isWhitespace(bytes[index])) { index += 1 }
            let nameStart = index
            while index < bytes.count && bytes[index] != ASCII.equals && bytes[index] != 0x3B { index += 1 }
            guard index < bytes.count, bytes[index] == ASCII.equals else { continue }  // a bare word: ignore
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).trimmingWhitespace().lowercased()
            index += 1
            while index < bytes.count && ASCII.isWhitespace(bytes[index]) { index += 1 }
            let parsedValue: String
            if index < bytes.count && bytes[index] == 0x22 /* " */ {
                (parsedValue, index) = Self.quotedString(bytes, from: index)
            } else {
                let valueStart = index
                while index < bytes.count && bytes[index] != 0x3B { index += 1 }
                parsedValue = String(decoding: bytes[valueStart..<index], as: UTF8.self).trimmingWhitespace()
            }
            guard !name.isEmpty else { continue }
            if let star = name.firstIndex(of: "*") {
                // RFC 2231: name*, name*N, name*N*.
                let base = String(name[..<star])
                let rest = name[name.index(after: star)...]
                let encoded = rest.isEmpty || rest.hasSuffix("*")
                let section = Int(rest.trimmingCharacters(in: "*")) ?? 0
                extended[base, default: []].append((section, encoded, parsedValue))
            } else if plain[name] == nil {
                plain[name] = parsedValue
            }
        }
        for (name, sections) in extended {
            let (decoded, problem) = Self.joinContinuations(sections.sorted { $0.section < $1.section })
            if let problem { problems.append(problem) }
            plain[name] = decoded  // the RFC 2231 form wins over a plain fallback of the same name
        }
        for (name, raw) in plain where raw.contains("=?") {
            let decoded = EncodedWords.decode(raw)
            plain[name] = decoded.text
            problems.append(contentsOf: decoded.problems)
        }
        parameters = plain
        self.problems = problems
    }

    /// A quoted string starting at the opening quote; returns the unescaped content and the index
    /// after the closing quote (or the end, when the quote is never closed).
    private static func quotedString(_ bytes: [UInt8], from start: Int) -> (String, Int) {
        var index = start + 1
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x5C /* \ */ && index + 1 < bytes.count {
                // Windows paths in filenames are written unescaped (`"C:\docs\a.pdf"`): keep a
                // backslash that does not escape a quote or a backslash.
                let next = bytes[index + 1]
                if next == 0x22 || next == 0x5C {
                    content.append(next)
                    index += 2
                    continue
                }
                content.append(byte)
            } else if byte == 0x22 {
                return (String(decoding: content, as: UTF8.self), index + 1)
            } else {
                content.append(byte)
            }
            index += 1
        }
        return (String(decoding: content, as: UTF8.self), index)
    }

    /// Joins RFC 2231 sections; encoded sections are percent-decoded bytes in the charset named by
    /// the first section (`charset'language'text`).
    private static func joinContinuations(_ sections: [(section: Int, encoded: Bool, value: String)]) -> (String, String?) {
        var charset: String?
        var bytes: [UInt8] = []
        for (position, section) in sections.enumerated() {
            var text = Substring(section.value)
            if section.encoded && position == 0 {
                let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                if parts.count == 3 {
                    charset = parts[0].isEmpty ? nil : String(parts[0])
                    text = parts[2]
                }
            }
            if section.encoded {
                bytes.append(contentsOf: percentDecode(text))
            } else {
                bytes.append(contentsOf: text.utf8)
            }
        }
        let decoded = MailCharset.decode(bytes, declaredCharset: charset ?? "utf-8")
        return (decoded.text, decoded.problem?.description)
    }

    private static func percentDecode(_ text: Substring) -> [UInt8] {
        let utf8 = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == 0x25, index + 2 < utf8.count,
                let high = QuotedPrintableDecoder.hexValue(utf8[index + 1]),
                let low = QuotedPrintableDecoder.hexValue(utf8[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(utf8[index])
                index += 1
            }
        }
        return output
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(self.filter { $0 != set })
    }
}
