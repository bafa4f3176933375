import JSONWords

/// Reads chosen fields of a JSON document in one pass, without building the rest.
///
/// The whole document is checked against RFC 8259 as I-JSON (RFC 7493) narrows it: grammar,
/// escapes, UTF-8 (no byte-order mark, no lone surrogate escapes), one value and nothing after
/// it, nesting at most `maximumDepth`. Only the values at the requested paths
/// are turned into Swift values. On a hot path (a webhook body, a JWT's header and claims) this
/// costs a fraction of `JSONSerialization` or `JSONDecoder`, which build everything.
///
/// The document must be a JSON object. A path is a list of object keys from the root
/// (`["issue", "fields", "project", "key"]`); paths through arrays are not supported. Keys are
/// matched on their bytes (decoded only when escaped). When a key repeats, its last value wins,
/// also for the paths below it.
public struct JSONFieldReader: Sendable {
    /// A value found at a requested path.
    public enum Value: Sendable, Equatable {
        case string(String)
        /// A number written without fraction or exponent that fits an `Int64`.
        case integer(Int64)
        /// Any other number, as written.
        case number(String)
        case bool(Bool)
        case null
        case array([Value])
        case object([String: Value])
    }

    /// Why a document was refused; `offset` is the byte where reading stopped.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let problem: String
        public var description: String { "\(problem) at byte \(offset)" }
    }

    public static let maximumDepth = 256

    /// The values found, looked up by the paths the reader was made with.
    public struct Fields: Sendable, Equatable {
        let paths: [[String]]
        var values: [Value?]

        /// The value at `path`; nil when the document has none there (or `path` was not requested).
        public subscript(_ path: [String]) -> Value? {
            paths.firstIndex(of: path).flatMap { values[$0] }
        }

        /// Every value found, by path.
        public var all: [[String]: Value] {
            var all: [[String]: Value] = [:]
            for (path, value) in zip(paths, values) { if let value { all[path] = value } }
            return all
        }
    }

    /// The requested paths as a tree of keys; node 0 is the root.
    struct Node: Sendable {
        var children: [(key: [UInt8], node: Int)] = []
        /// The index of the path that ends here.
        var path: Int?
        /// The paths that end at or below this node: forgotten when its key is seen again.
        var pathsBelow: [Int] = []
    }

    private let paths: [[String]]
    private let nodes: [Node]

    /// - Precondition: no path is empty, repeated, or a prefix of another (its value would hide
    ///   the longer one's).
    public init(paths: [[String]]) {
        self.paths = paths
        var nodes = [Node()]
        for (index, path) in paths.enumerated() {
            precondition(!path.isEmpty, "JSONFieldReader: an empty path")
            var current = 0
            for key in path {
                let bytes = Array(key.utf8)
                precondition(nodes[current].path == nil, "JSONFieldReader: \(path) runs through another requested path")
                nodes[current].pathsBelow.append(index)
                if let child = nodes[current].children.first(where: { $0.key == bytes }) {
                    current = child.node
                } else {
                    nodes.append(Node())
                    nodes[current].children.append((bytes, nodes.count - 1))
                    current = nodes.count - 1
                }
            }
            precondition(nodes[current].path == nil && nodes[current].children.isEmpty, "JSONFieldReader: \(path) is repeated or a prefix of another path")
            nodes[current].path = index
            nodes[current].pathsBelow.append(index)
        }
        self.nodes = nodes
    }

    /// The values at the requested paths that the document has.
    /// - Throws: `Malformed` when `bytes` is not exactly one JSON object.
    public func read(_ bytes: [UInt8]) throws(Malformed) -> Fields {
        try bytes.withUnsafeBufferPointer { buffer throws(Malformed) in try read(buffer: buffer) }
    }

    private func read(buffer: UnsafeBufferPointer<UInt8>) throws(Malformed) -> Fields {
        var parser = Parser(bytes: buffer, nodes: nodes, found: Array(repeating: nil, count: paths.count))
        parser.skipWhitespace()
        guard parser.position < buffer.count, buffer[parser.position] == UInt8(ascii: "{") else { throw parser.malformed("not a JSON object") }
        try parser.value(node: 0, depth: 0)
        parser.skipWhitespace()
        guard parser.position == buffer.count else { throw parser.malformed("text after the JSON value") }
        return Fields(paths: paths, values: parser.found)
    }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let nodes: [JSONFieldReader.Node]
    var found: [JSONFieldReader.Value?]
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, nodes: [JSONFieldReader.Node], found: [JSONFieldReader.Value?]) {
        self.bytes = bytes
        self.nodes = nodes
        self.found = found
    }

    func malformed(_ problem: String) -> JSONFieldReader.Malformed {
        JSONFieldReader.Malformed(offset: position, problem: problem)
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Reads one value. `node` is where the value sits in the tree of requested paths; nil
    /// below a key no request names, where nothing is compared or kept.
    mutating func value(node: Int?, depth: Int) throws(JSONFieldReader.Malformed) {
        guard depth <= JSONFieldReader.maximumDepth else { throw malformed("nesting deeper than \(JSONFieldReader.maximumDepth)") }
        if let node, let path = nodes[node].path {
            found[path] = try materialized(depth: depth)
            return
        }
        guard position < bytes.count else { throw malformed("a value is missing") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try object(node: node.flatMap { nodes[$0].children.isEmpty ? nil : $0 }, depth: depth)
        case UInt8(ascii: "["):
            try elements(of: .array) { parser throws(JSONFieldReader.Malformed) in try parser.value(node: nil, depth: depth + 1) }
        case UInt8(ascii: "\""):
            try skipString()
        default:
            _ = try scalar()
        }
    }

    mutating func object(node: Int?, depth: Int) throws(JSONFieldReader.Malformed) {
        try elements(of: .object) { parser throws(JSONFieldReader.Malformed) in
            // Only a key that a requested path names leads on; the others are checked and skipped.
            let child: Int?
            if let node {
                child = try parser.matchingChild(of: node)
                // A repeated key replaces everything its earlier value gave, as a parser building
                // the whole tree would.
                if let child { for path in parser.nodes[child].pathsBelow { parser.found[path] = nil } }
            } else {
                try parser.skipString()
                child = nil
            }
            try parser.colon()
            try parser.value(node: child, depth: depth + 1)
        }
    }

    /// The two kinds of container, by their brackets.
    enum Container {
        case object, array

        var close: UInt8 { self == .object ? UInt8(ascii: "}") : UInt8(ascii: "]") }
        var name: String { self == .object ? "an object" : "an array" }
    }

    /// Reads a container whose opening bracket is at `position`: `element` reads each member
    /// (for an object, from its key string through its value); this reads the separators.
    mutating func elements(
        of container: Container, _ element: (inout Parser) throws(JSONFieldReader.Malformed) -> Void
    ) throws(JSONFieldReader.Malformed) {
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == container.close {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            if container == .object {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw malformed("expected a key string") }
            }
            try element(&self)
            skipWhitespace()
            guard position < bytes.count else { throw malformed("\(container.name) is not closed") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == container.close {
                position += 1
                return
            } else {
                throw malformed("expected , or \(Character(Unicode.Scalar(container.close))) in \(container.name)")
            }
        }
    }

    /// Reads the `:` after an object's key, with the whitespace around it.
    mutating func colon() throws(JSONFieldReader.Malformed) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw malformed("expected : after a key") }
        position += 1
        skipWhitespace()
    }

    /// Reads a key and returns the child of `node` it names, comparing bytes unless the key has
    /// escapes.
    mutating func matchingChild(of node: Int) throws(JSONFieldReader.Malformed) -> Int? {
        let children = nodes[node].children
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
            // Escaped (or unterminated): decode it to compare.
            let key = Array(try string().utf8)
            return children.first { $0.key == key }?.node
        }
        let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
        let match = children.first { $0.key.elementsEqual(raw) }?.node
        try skipString()
        return match
    }

    /// Reads a whole value into a `Value`.
    mutating func materialized(depth: Int) throws(JSONFieldReader.Malformed) -> JSONFieldReader.Value {
        guard depth <= JSONFieldReader.maximumDepth else { throw malformed("nesting deeper than \(JSONFieldReader.maximumDepth)") }
        guard position < bytes.count else { throw malformed("a value is missing") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            var members: [String: JSONFieldReader.Value] = [:]
            try elements(of: .object) { parser throws(JSONFieldReader.Malformed) in
                let key = try parser.string()
                try parser.colon()
                members[key] = try parser.materialized(depth: depth + 1)
            }
            return .object(members)
        case UInt8(ascii: "["):
            var values: [JSONFieldReader.Value] = []
            try elements(of: .array) { parser throws(JSONFieldReader.Malformed) in
                values.append(try parser.materialized(depth: depth + 1))
            }
            return .array(values)
        case UInt8(ascii: "\""):
            return .string(try string())
        default:
            return try scalar()
        }
    }

    /// `true`, `false`, `null` or a number.
    mutating func scalar() throws(JSONFieldReader.Malformed) -> JSONFieldReader.Value {
        for (literal, value) in [("true", JSONFieldReader.Value.bool(true)), ("false", .bool(false)), ("null", .null)] {
            let utf8 = literal.utf8
            if bytes.count - position >= utf8.count, bytes[position..<position + utf8.count].elementsEqual(utf8) {
                position += utf8.count
                return value
            }
        }
        return try number()
    }

    /// A number per RFC 8259 §6.
    mutating func number() throws(JSONFieldReader.Malformed) -> JSONFieldReader.Value {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw malformed("not a JSON value") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        var integral = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw malformed("a digit must follow the decimal point") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            integral = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw malformed("a digit must follow the exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if integral, let value = Int64(text) { return .integer(value) }
        return .number(text)
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Checks a string without keeping it.
    mutating func skipString() throws(JSONFieldReader.Malformed) {
        position += 1
        var sawNonASCII = false
        let start = position
        while true {
            position = JSONWords.endOfPlainText(in: bytes, from: position)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if sawNonASCII { try checkUTF8(start..<position) }
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                var ignored: [UInt8] = []
                try escape(into: &ignored)
                continue
            }
            guard byte >= 0x20 else { throw malformed("a control character in a string") }
            if byte >= 0x80 { sawNonASCII = true }
            position += 1
        }
        throw malformed("a string is not closed")
    }

    /// Reads a string, escapes resolved.
    mutating func string() throws(JSONFieldReader.Malformed) -> String {
        position += 1
        let start = position
        // The common case: no escapes, one copy.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self) else {
                    throw malformed("a string is not UTF-8")
                }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw malformed("a control character in a string") }
            position += 1
        }
        var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: scalars, as: UTF8.self) else { throw malformed("a string is not UTF-8") }
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") {
                try escape(into: &scalars)
                continue
            }
            guard byte >= 0x20 else { throw malformed("a control character in a string") }
            scalars.append(byte)
            position += 1
        }
        throw malformed("a string is not closed")
    }

    /// Reads one escape at `position` (the backslash), appending its UTF-8 to `output`.
    mutating func escape(into output: inout [UInt8]) throws(JSONFieldReader.Malformed) {
        position += 1
        guard position < bytes.count else { throw malformed("a string is not closed") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    throw malformed("a lone surrogate in a string")
                }
                position += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("a lone surrogate in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw malformed("a lone surrogate in a string")
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw malformed("an invalid \\u escape") }
            output.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw malformed("an invalid escape in a string")
        }
    }

    mutating func hex4() throws(JSONFieldReader.Malformed) -> UInt32 {
        guard bytes.count - position >= 4 else { throw malformed("a short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw malformed("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    func checkUTF8(_ range: Range<Int>) throws(JSONFieldReader.Malformed) {
        var iterator = UnsafeBufferPointer(rebasing: bytes[range]).makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return
            case .error: throw malformed("a string is not UTF-8")
            }
        }
    }
}
