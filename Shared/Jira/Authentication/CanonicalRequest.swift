import Crypto
import Hex

/// The canonical form of an HTTP request that Atlassian Connect's `qsh` claim hashes.
///
/// `METHOD "&" path "&" query`, where:
/// - the method is upper-cased;
/// - the path is relative to the site's (or app's) base URL, as sent (percent-encoding kept),
///   `/` when empty, without a trailing `/`, with every `&` written `%26`;
/// - the query lists each parameter once, sorted by percent-encoded name (code-point order), as
///   `name=value`; a repeated parameter's values are sorted as decoded text (by UTF-16 code
///   units, as Atlassian's Java implementation sorts them), then percent-encoded and joined with
///   `,`; the `jwt` parameter is left out. Names and values are percent-encoded as RFC 3986 unreserved
///   (`A–Z a–z 0–9 - . _ ~` kept, everything else `%XX` of its UTF-8 bytes, upper-case hex), so a
///   space is `%20`, `+` is `%2B`, `*` is `%2A` and `~` stays `~`.
///
/// See Atlassian's "Understanding JWT for Connect apps".
public struct CanonicalRequest: Sendable, Hashable {
    /// One query parameter, decoded.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: String
    /// The path relative to the base URL, as sent.
    public var path: String
    /// The query parameters, decoded, in any order.
    public var query: [Parameter]

    public init(method: String, path: String, query: [Parameter] = []) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// The request as it arrived: `target` is the request line's target (`/path?query`, not
    /// decoded), `basePath` the path of the base URL it is relative to (`""` for the root).
    ///
    /// The query is read as a browser form would be: `+` is a space, `%XX` sequences are bytes
    /// of UTF-8 (malformed sequences are kept literally).
    public init(method: String, target: String, basePath: String = "") {
        var pathPart = Substring(target)
        var queryPart: Substring = ""
        if let mark = target.firstIndex(of: "?") {
            pathPart = target[..<mark]
            queryPart = target[target.index(after: mark)...]
        }
        if let hash = queryPart.firstIndex(of: "#") { queryPart = queryPart[..<hash] }
        var path = String(pathPart)
        var base = basePath
        while base.hasSuffix("/") { base.removeLast() }
        if !base.isEmpty, path.hasPrefix(base) {
            let rest = path.dropFirst(base.count)
            if rest.isEmpty || rest.hasPrefix("/") { path = String(rest) }
        }
        self.init(method: method, path: path, query: Self.parseQuery(queryPart))
    }

    /// The canonical request string.
    public var canonicalString: String {
        method.uppercased() + "&" + canonicalPath + "&" + canonicalQuery
    }

    /// The `qsh` claim: lower-case hex SHA-256 of the UTF-8 ``canonicalString``.
    public var queryStringHash: String {
        var canonical = canonicalString
        var hash = SHA256()
        canonical.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        // The digest's bytes through a buffer: iterating `SHA256Digest` itself goes through a
        // closure per byte.
        return hash.finalize().withUnsafeBytes { Hex.lowercase($0) }
    }

    var canonicalPath: String {
        var path = path
        if path.utf8.count > 1, path.utf8.last == UInt8(ascii: "/") { path.removeLast() }
        if path.isEmpty { path = "/" }
        if path.utf8.contains(UInt8(ascii: "&")) { path = path.replacingAll("&", with: "%26") }
        return path.hasPrefix("/") ? path : "/" + path
    }

    var canonicalQuery: String {
        if query.isEmpty { return "" }
        var values: [String: [String]] = [:]
        for parameter in query where parameter.name != "jwt" {
            values[Self.percentEncode(parameter.name), default: []].append(parameter.value)
        }
        return values.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
            let sorted = values[name]!.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            return name + "=" + sorted.map(Self.percentEncode).joined(separator: ",")
        }.joined(separator: "&")
    }

    /// `text` percent-encoded as RFC 3986 unreserved characters, upper-case hex.
    public static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The parameters of a raw query string, form-decoded; empty pieces are skipped.
    static func parseQuery(_ query: Substring) -> [Parameter] {
        query.split(separator: "&").map { piece in
            if let equals = piece.firstIndex(of: "=") {
                return Parameter(formDecode(piece[..<equals]), formDecode(piece[piece.index(after: equals)...]))
            }
            return Parameter(formDecode(piece), "")
        }
    }

    /// `+` as space, `%XX` as a byte; the bytes read as UTF-8 (invalid sequences replaced).
    static func formDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        let input = Array(text.utf8)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    /// The string with every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
