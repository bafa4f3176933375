/// Builds the MIME tree of a message.
///
/// Every multipart subtype splits on its boundary; a missing boundary parameter is guessed from
/// the body; a boundary that never appears makes the part a plain text leaf; a missing close
/// delimiter ends the last part at the end of the input. Embedded messages are parsed in place
/// (or from their decoded bytes when they were base64- or QP-encoded). Depth and part count are
/// bounded so hostile input cannot exhaust the stack. Everything worked around is reported.
struct MIMEStructureParser {
    static let maximumDepth = 32
    static let maximumParts = 10_000

    private(set) var problems: [MailProblem] = []
    private var partCount = 0

    /// Parses a whole message.
    mutating func parseMessage(_ source: MailBytes) -> MIMEPart {
        parsePart(source, range: 0..<source.bytes.count, path: "", depth: 0, defaultType: .defaultText)
    }

    private mutating func parsePart(
        _ source: MailBytes, range: Range<Int>, path: String, depth: Int, defaultType: MIMEContentType
    ) -> MIMEPart {
        partCount += 1
        let location = path.isEmpty ? "message" : "part \(path)"
        let header = source.bytes.withUnsafeBufferPointer { buffer in
            HeaderBlockParser.parse(buffer, range: range, location: location, problems: &problems)
        }
        let headers = header.headers
        let bodyRange = header.bodyStart..<range.upperBound
        var contentType = defaultType
        var headerProblems: [String] = []
        if let field = headers.first("Content-Type") {
            if let parsed = MIMEContentType(headerValue: field.text, problems: &headerProblems) {
                contentType = parsed
            } else {
                problems.append(MailProblem(.charset, at: location, "unreadable Content-Type; read as \(defaultType.mimeType)"))
            }
        }
        var transferEncoding = TransferEncoding.sevenBit
        if let raw = headers.raw("Content-Transfer-Encoding") {
            if let parsed = TransferEncoding(headerValue: raw) {
                transferEncoding = parsed
            } else {
                problems.append(MailProblem(.unknownTransferEncoding, at: location, "unknown Content-Transfer-Encoding; the body is taken as it is"))
            }
        }
        let disposition = headers.first("Content-Disposition").map { MIMEContentDisposition(headerValue: $0.text, problems: &headerProblems) }
        let contentID = headers.raw("Content-ID").map(Self.stripAngleBrackets)
        for problem in headerProblems { problems.append(MailProblem(.charset, at: location, problem)) }

        var part = MIMEPart(
            headers: headers, contentType: contentType, transferEncoding: transferEncoding, disposition: disposition,
            contentID: contentID, children: [], path: path, source: source, bodyRange: bodyRange)

        guard contentType.isMultipart || contentType.isEmbeddedMessage else { return part }
        guard depth < Self.maximumDepth else {
            problems.append(MailProblem(.nestingTooDeep, at: location, "parts nested deeper than \(Self.maximumDepth) levels are kept as opaque data"))
            return part
        }
        guard partCount < Self.maximumParts else {
            problems.append(MailProblem(.tooManyParts, at: location, "more than \(Self.maximumParts) parts; the rest is kept as opaque data"))
            return part
        }
        if contentType.isMultipart {
            part.children = parseMultipart(source, part: &part, depth: depth)
        } else {
            part.children = [parseEmbeddedMessage(source, part: part, depth: depth)]
        }
        return part
    }

    private mutating func parseMultipart(_ source: MailBytes, part: inout MIMEPart, depth: Int) -> [MIMEPart] {
        var boundary = part.contentType.boundary.map { Array($0.utf8) } ?? []
        if boundary.isEmpty {
            guard let guessed = guessBoundary(source, range: part.bodyRange) else {
                problems.append(MailProblem(.missingBoundary, at: part.location, "multipart without a boundary; the body is read as text"))
                part.contentType = .defaultText
                return []
            }
            problems.append(MailProblem(.missingBoundary, at: part.location, "multipart without a boundary; used the delimiter found in the body"))
            boundary = guessed
        }
        let delimiters = findDelimiters(source, range: part.bodyRange, boundary: boundary)
        guard !delimiters.isEmpty else {
            problems.append(MailProblem(.boundaryNotFound, at: part.location, "the boundary never appears in the body; the body is read as text"))
            part.contentType = .defaultText
            return []
        }
        if !(delimiters.last?.isClose ?? false) {
            problems.append(MailProblem(.unterminatedMultipart, at: part.location, "no closing boundary; the last part runs to the end"))
        }
        let childDefault = part.contentType.subtype == "digest" ? MIMEContentType.defaultDigestPart : .defaultText
        var children: [MIMEPart] = []
        for (index, delimiter) in delimiters.enumerated() where !delimiter.isClose {
            let end = index + 1 < delimiters.count ? delimiters[index + 1].lineStart : part.bodyRange.upperBound
            let childPath = part.path.isEmpty ? "\(children.count + 1)" : "\(part.path).\(children.count + 1)"
            guard partCount < Self.maximumParts else {
                problems.append(MailProblem(.tooManyParts, at: part.location, "more than \(Self.maximumParts) parts; the rest is ignored"))
                break
            }
            children.append(parsePart(source, range: delimiter.contentStart..<max(delimiter.contentStart, end), path: childPath, depth: depth + 1, defaultType: childDefault))
        }
        return children
    }

    private mutating func parseEmbeddedMessage(_ source: MailBytes, part: MIMEPart, depth: Int) -> MIMEPart {
        let childPath = part.path.isEmpty ? "1" : "\(part.path).1"
        switch part.transferEncoding {
        case .base64, .quotedPrintable, .uuencode:
            let decoded = MailBytes(part.decodedBody())
            return parsePart(decoded, range: 0..<decoded.bytes.count, path: childPath, depth: depth + 1, defaultType: .defaultText)
        case .sevenBit, .eightBit, .binary:
            return parsePart(source, range: part.bodyRange, path: childPath, depth: depth + 1, defaultType: .defaultText)
        }
    }

    /// A delimiter line: where it starts (the line end before it belongs to it) and where the
    /// next part's content starts.
    private struct Delimiter {
        var lineStart: Int
        var contentStart: Int
        var isClose: Bool
    }

    /// Every `--boundary` line in `range`, up to and including the first close delimiter.
    private func findDelimiters(_ source: MailBytes, range: Range<Int>, boundary: [UInt8]) -> [Delimiter] {
        source.bytes.withUnsafeBufferPointer { buffer -> [Delimiter] in
            var delimiters: [Delimiter] = []
            // A delimiter may be the very first line of the body.
            var searchFrom = range.lowerBound
            if let first = delimiterAt(buffer, patternStart: range.lowerBound, markerStart: range.lowerBound, range: range, boundary: boundary) {
                delimiters.append(first)
                if first.isClose { return delimiters }
                searchFrom = first.contentStart
            }
            while searchFrom < range.upperBound {
                // Candidate lines are those after a line feed that start with "--".
                let newline = HeaderBlockParser.endOfLine(buffer, from: searchFrom, end: range.upperBound)
                guard newline < range.upperBound else { break }
                let marker = newline + 1
                guard marker + 1 < range.upperBound, buffer[marker] == ASCII.hyphen, buffer[marker + 1] == ASCII.hyphen else {
                    searchFrom = marker
                    continue
                }
                let lineStart = (newline > range.lowerBound && buffer[newline - 1] == ASCII.cr) ? newline - 1 : newline
                if let delimiter = delimiterAt(buffer, patternStart: lineStart, markerStart: marker, range: range, boundary: boundary) {
                    delimiters.append(delimiter)
                    if delimiter.isClose { break }
                    searchFrom = delimiter.contentStart
                } else {
                    searchFrom = marker
                }
            }
            return delimiters
        }
    }

    /// Checks `--boundary[--][whitespace]EOL` at `markerStart`.
    private func delimiterAt(
        _ buffer: UnsafeBufferPointer<UInt8>, patternStart: Int, markerStart: Int, range: Range<Int>, boundary: [UInt8]
    ) -> Delimiter? {
        var index = markerStart
        guard range.upperBound - index >= boundary.count + 2, buffer[index] == ASCII.hyphen, buffer[index + 1] == ASCII.hyphen else { return nil }
        index += 2
        for byte in boundary {
            guard buffer[index] == byte else { return nil }
            index += 1
        }
        var isClose = false
        if index + 1 < range.upperBound, buffer[index] == ASCII.hyphen, buffer[index + 1] == ASCII.hyphen {
            isClose = true
            index += 2
        }
        while index < range.upperBound, ASCII.isWhitespace(buffer[index]) || buffer[index] == ASCII.cr { index += 1 }
        if index < range.upperBound {
            // Anything else after the boundary means this line merely starts like a delimiter,
            // except after a close delimiter, where clients sometimes leave junk.
            guard buffer[index] == ASCII.lf || isClose else { return nil }
            if buffer[index] == ASCII.lf { index += 1 }
        }
        return Delimiter(lineStart: patternStart, contentStart: min(index, range.upperBound), isClose: isClose)
    }

    /// The boundary of a multipart that forgot to declare one: the first `--token` line that
    /// appears at least twice.
    private func guessBoundary(_ source: MailBytes, range: Range<Int>) -> [UInt8]? {
        source.bytes.withUnsafeBufferPointer { buffer -> [UInt8]? in
            var index = range.lowerBound
            var seen: [[UInt8]: Int] = [:]
            var lines = 0
            while index < range.upperBound && lines < 5_000 {
                let lineEnd = HeaderBlockParser.endOfLine(buffer, from: index, end: range.upperBound)
                var contentEnd = lineEnd
                while contentEnd > index && (buffer[contentEnd - 1] == ASCII.cr || ASCII.isWhitespace(buffer[contentEnd - 1])) { contentEnd -= 1 }
                if contentEnd - index > 3 && buffer[index] == ASCII.hyphen && buffer[index + 1] == ASCII.hyphen {
                    var token = Array(buffer[(index + 2)..<contentEnd])
                    if token.count > 2 && token.suffix(2) == [ASCII.hyphen, ASCII.hyphen] { token.removeLast(2) }
                    if !token.isEmpty && !token.contains(ASCII.space) {
                        seen[token, default: 0] += 1
                        if seen[token] == 2 { return token }
                    }
                }
                index = lineEnd + 1
                lines += 1
            }
            return nil
        }
    }

    static func stripAngleBrackets(_ value: String) -> String {
        var text = Substring(value.trimmingWhitespace())
        if text.hasPrefix("<") { text = text.dropFirst() }
        if let close = text.firstIndex(of: ">") { text = text[..<close] }
        return String(text).trimmingWhitespace()
    }
}
