/// Reads Message-ID lists (`Message-ID`, `In-Reply-To`, `References`).
public enum MessageIDList {
    /// The ids in `header`, without angle brackets, in order. Ids without brackets (written by
    /// broken clients) are accepted when they contain an `@`; comments and phrases are skipped.
    public static func parse(_ header: String) -> [String] {
        var ids: [String] = []
        var index = header.startIndex
        var sawBracket = false
        while let open = header[index...].firstIndex(of: "<") {
            sawBracket = true
            guard let close = header[open...].firstIndex(of: ">") else { break }
            let id = header[header.index(after: open)..<close].filter { $0 != " " && $0 != "\t" }
            if !id.isEmpty { ids.append(String(id)) }
            index = header.index(after: close)
        }
        if !sawBracket {
            for word in header.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) where word.contains("@") {
                ids.append(String(word))
            }
        }
        return ids
    }
}
