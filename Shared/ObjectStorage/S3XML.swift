/// One element of an S3 XML document: its local name (any namespace prefix dropped), its text
/// (entities decoded, CDATA included) and its child elements in order.
struct S3XMLNode: Sendable, Hashable {
    var name: String
    var text: String = ""
    var children: [S3XMLNode] = []

    /// The first child named `name`.
    func child(_ name: String) -> S3XMLNode? {
        children.first { $0.name == name }
    }

    /// Every child named `name`, in order.
    func children(_ name: String) -> [S3XMLNode] {
        children.filter { $0.name == name }
    }

    /// The text of the first child named `name`.
    func text(of name: String) -> String? {
        child(name)?.text
    }
}

/// A small XML parser for the documents S3 sends: elements, attributes (ignored), text,
/// the five named entities, numeric character references, CDATA, comments and the prolog.
/// It refuses DTDs (so no entity expansion) and nesting deeper than 32.
enum S3XML {
    struct Malformed: Error, CustomStringConvertible {
        let reason: String
        var description: String { "malformed XML: \(reason)" }
    }

    /// The document's root element.
    static func parse(_ bytes: [UInt8]) throws(Malformed) -> S3XMLNode {
        var stack: [S3XMLNode] = []
        var root: S3XMLNode?
        var index = 0
        var text: [UInt8] = []

        func starts(_ literal: String, at position: Int) -> Bool {
            let pattern = Array(literal.utf8)
            return position + pattern.count <= bytes.count && Array(bytes[position..<position + pattern.count]) == pattern
        }
        func find(_ literal: String, from position: Int) throws(Malformed) -> Int {
            let pattern = Array(literal.utf8)
            var cursor = position
            while cursor + pattern.count <= bytes.count {
                if bytes[cursor] == pattern[0], Array(bytes[cursor..<cursor + pattern.count]) == pattern { return cursor }
                cursor += 1
            }
            throw Malformed(reason: "missing \"\(literal)\"")
        }
        func flushText() throws(Malformed) {
            guard !text.isEmpty else { return }
            if !stack.isEmpty {
                stack[stack.count - 1].text += try decodeEntities(text)
            }
            text.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "<") else {
                text.append(byte)
                index += 1
                continue
            }
            if starts("<?", at: index) {
                index = try find("?>", from: index) + 2
            } else if starts("<!--", at: index) {
                index = try find("-->", from: index) + 3
            } else if starts("<![CDATA[", at: index) {
                let end = try find("]]>", from: index)
                try flushText()
                if !stack.isEmpty {
                    stack[stack.count - 1].text += String(decoding: bytes[(index + 9)..<end], as: UTF8.self)
                }
                index = end + 3
            } else if starts("<!", at: index) {
                throw Malformed(reason: "DTDs are not accepted")
            } else if starts("</", at: index) {
                try flushText()
                let end = try find(">", from: index)
                let name = localName(bytes[(index + 2)..<end])
                guard var element = stack.popLast(), element.name == name else {
                    throw Malformed(reason: "unexpected </\(name)>")
                }
                element.text = element.children.isEmpty ? element.text : element.text.trimmingXMLSpace()
                if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                index = end + 1
            } else {
                try flushText()
                let end = try find(">", from: index)
                let selfClosing = bytes[end - 1] == UInt8(ascii: "/")
                let inner = bytes[(index + 1)..<(selfClosing ? end - 1 : end)]
                let nameEnd = inner.firstIndex { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ?? inner.endIndex
                let element = S3XMLNode(name: localName(inner[inner.startIndex..<nameEnd]))
                guard !element.name.isEmpty else { throw Malformed(reason: "an element without a name") }
                if selfClosing {
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                } else {
                    guard stack.count < 32 else { throw Malformed(reason: "nested too deeply") }
                    stack.append(element)
                }
                index = end + 1
            }
            if root != nil, stack.isEmpty { return root! }
        }
        throw Malformed(reason: root == nil && stack.isEmpty ? "no element" : "unterminated element")
    }

    private static func localName(_ bytes: ArraySlice<UInt8>) -> String {
        let name = String(decoding: bytes, as: UTF8.self)
        return name.split(separator: ":").last.map(String.init) ?? name
    }

    private static func decodeEntities(_ bytes: [UInt8]) throws(Malformed) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var result = ""
        var index = 0
        var run: [UInt8] = []
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "&") else {
                run.append(bytes[index])
                index += 1
                continue
            }
            guard let semicolon = bytes[index...].firstIndex(of: UInt8(ascii: ";")) else {
                throw Malformed(reason: "an unterminated entity")
            }
            result += String(decoding: run, as: UTF8.self)
            run.removeAll()
            let entity = String(decoding: bytes[(index + 1)..<semicolon], as: UTF8.self)
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    number = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    number = UInt32(entity.dropFirst(), radix: 10)
                } else {
                    number = nil
                }
                guard let number, let scalar = Unicode.Scalar(number) else {
                    throw Malformed(reason: "unknown entity &\(entity);")
                }
                result.unicodeScalars.append(scalar)
            }
            index = semicolon + 1
        }
        return result + String(decoding: run, as: UTF8.self)
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element content.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}

extension String {
    /// Without leading and trailing XML white space (space, tab, CR, LF).
    func trimmingXMLSpace() -> String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }), let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[start...end])
    }
}
