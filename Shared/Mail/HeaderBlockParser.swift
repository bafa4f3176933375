/// Reads the header block at the start of a message or MIME part.
///
/// Tolerates what real mail contains: LF or CRLF line ends, folded fields, whitespace before the
/// colon (obsolete syntax), 8-bit bytes, an mbox `From ` line, a continuation line with no field
/// before it. A line that cannot be a header (no colon, or a space inside the name) ends the
/// header block and starts the body, as Python's parser and GMime do, and is reported.
struct HeaderBlockParser {
    /// The headers and the offset where the body starts.
    struct Result {
        var headers: MailHeaders
        var bodyStart: Int
    }

    static func parse(
        _ buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>, location: String, problems: inout [MailProblem]
    ) -> Result {
        var fields: [MailHeader] = []
        var index = range.lowerBound
        let end = range.upperBound
        var isFirstLine = true
        while index < end {
            let lineStart = index
            let lineEnd = endOfLine(buffer, from: index, end: end)  // index of LF, or end
            let contentEnd = (lineEnd > lineStart && buffer[lineEnd - 1] == ASCII.cr) ? lineEnd - 1 : lineEnd
            let next = min(lineEnd + 1, end)
            if contentEnd == lineStart {
                return Result(headers: MailHeaders(fields), bodyStart: next)  // the blank separator line
            }
            defer { isFirstLine = false }
            if isFirstLine && startsWith(buffer, at: lineStart, end: contentEnd, "From ") && !isObsoleteFromHeader(buffer, lineStart, contentEnd) {
                index = next  // an mbox envelope line, not a header
                continue
            }
            if ASCII.isWhitespace(buffer[lineStart]) {
                if fields.isEmpty {
                    // A continuation with nothing to continue: skip it rather than start the body.
                    problems.append(MailProblem(.headerWithoutColon, at: location, "a folded line came before any header field; it was skipped"))
                } else {
                    // Defensive fold of a line that belongs to the previous field.
                    fields[fields.count - 1].rawValue.append(ASCII.space)
                    appendTrimmed(buffer, lineStart..<contentEnd, to: &fields[fields.count - 1].rawValue)
                }
                index = next
                continue
            }
            guard let field = parseField(buffer, lineStart: lineStart, firstLineEnd: contentEnd, nextLine: next, end: end) else {
                problems.append(MailProblem(
                    .missingHeaderBodySeparator, at: location,
                    "a line without a field name ended the headers; the body starts there"))
                return Result(headers: MailHeaders(fields), bodyStart: lineStart)
            }
            fields.append(field.header)
            index = field.next
        }
        return Result(headers: MailHeaders(fields), bodyStart: end)
    }

    /// One field starting at `lineStart`, with its continuation lines.
    private static func parseField(
        _ buffer: UnsafeBufferPointer<UInt8>, lineStart: Int, firstLineEnd: Int, nextLine: Int, end: Int
    ) -> (header: MailHeader, next: Int)? {
        var colon = lineStart
        while colon < firstLineEnd && buffer[colon] != ASCII.colon {
            let byte = buffer[colon]
            if byte <= 0x20 || byte == 0x7F {
                // Whitespace may only come between the name and the colon (obsolete syntax).
                var probe = colon
                while probe < firstLineEnd && ASCII.isWhitespace(buffer[probe]) { probe += 1 }
                guard probe < firstLineEnd, buffer[probe] == ASCII.colon, probe > lineStart else { return nil }
                break
            }
            colon += 1
        }
        guard colon < firstLineEnd, colon > lineStart else { return nil }
        var nameEnd = colon
        while nameEnd > lineStart && ASCII.isWhitespace(buffer[nameEnd - 1]) { nameEnd -= 1 }
        while colon < firstLineEnd && buffer[colon] != ASCII.colon { colon += 1 }
        let name = String(decoding: UnsafeBufferPointer(rebasing: buffer[lineStart..<nameEnd]), as: UTF8.self)

        var value: [UInt8] = []
        appendTrimmed(buffer, (colon + 1)..<firstLineEnd, to: &value)
        var next = nextLine
        // Continuation lines start with a space or a tab.
        while next < end && ASCII.isWhitespace(buffer[next]) {
            let lineEnd = endOfLine(buffer, from: next, end: end)
            let contentEnd = (lineEnd > next && buffer[lineEnd - 1] == ASCII.cr) ? lineEnd - 1 : lineEnd
            var probe = next
            while probe < contentEnd && ASCII.isWhitespace(buffer[probe]) { probe += 1 }
            if probe == contentEnd {
                // A whitespace-only line: RFC 5322 forbids it inside a field; most parsers read
                // it as the blank separator. Do the same.
                break
            }
            if !value.isEmpty { value.append(ASCII.space) }
            appendTrimmed(buffer, probe..<contentEnd, to: &value)
            next = min(lineEnd + 1, end)
        }
        return (MailHeader(name: name, rawValue: value), next)
    }

    /// Appends `range` without leading and trailing whitespace.
    private static func appendTrimmed(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to value: inout [UInt8]) {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end && ASCII.isWhitespace(buffer[start]) { start += 1 }
        while end > start && (ASCII.isWhitespace(buffer[end - 1]) || buffer[end - 1] == ASCII.cr) { end -= 1 }
        guard start < end else { return }
        value.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
    }

    /// `From  : Ada <a@x>` (RFC 5322 obsolete syntax: whitespace before the colon) is a header,
    /// not an mbox `From ` envelope line.
    private static func isObsoleteFromHeader(_ buffer: UnsafeBufferPointer<UInt8>, _ lineStart: Int, _ end: Int) -> Bool {
        var index = lineStart + 4
        while index < end && ASCII.isWhitespace(buffer[index]) { index += 1 }
        return index < end && buffer[index] == ASCII.colon
    }

    /// The index of the next LF at or after `index`, or `end`.
    static func endOfLine(_ buffer: UnsafeBufferPointer<UInt8>, from index: Int, end: Int) -> Int {
        guard index < end, let base = buffer.baseAddress else { return end }
        guard let found = memchr(base + index, Int32(ASCII.lf), end - index) else { return end }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    static func startsWith(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int, end: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard end - index >= count else { return false }
        let pointer = prefix.utf8Start
        for offset in 0..<count where buffer[index + offset] != pointer[offset] { return false }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
