/// RFC 3676 `format=flowed`: lines ending in a space continue on the next line.
enum FlowedText {
    /// Joins soft-broken lines. Quote depth is respected (a flowed line only joins a line of the
    /// same depth) and the signature separator `-- ` is never joined.
    static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var output: [String] = []
        var pending: String?
        var pendingDepth = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            var depth = 0
            while line.hasPrefix(">") {
                depth += 1
                line = line.dropFirst()
            }
            if line.hasPrefix(" ") { line = line.dropFirst() }  // space-stuffing
            let isFlowed = line.hasSuffix(" ") && line != "-- "
            var content = String(line)
            if isFlowed && deleteSpace { content.removeLast() }
            if let current = pending, pendingDepth == depth {
                pending = current + content
            } else {
                if let current = pending { output.append(String(repeating: ">", count: pendingDepth) + (pendingDepth > 0 ? " " : "") + current) }
                pending = content
                pendingDepth = depth
            }
            if !isFlowed {
                output.append(String(repeating: ">", count: depth) + (depth > 0 ? " " : "") + (pending ?? ""))
                pending = nil
            }
        }
        if let current = pending { output.append(String(repeating: ">", count: pendingDepth) + (pendingDepth > 0 ? " " : "") + current) }
        return output.joined(separator: "\n")
    }
}
