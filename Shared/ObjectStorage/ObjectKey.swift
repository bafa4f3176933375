/// The rules every object key obeys, in every store.
///
/// A valid key is non-empty, at most 1024 UTF-8 bytes (S3's limit), holds no control character
/// (U+0000–U+001F, U+007F–U+009F), does not start with `/`, and has no `.` or `..` segment
/// between slashes. Anything else is allowed, including spaces, `+`, `%`, `=`, empty segments
/// (`a//b`) and any Unicode letter. The `.` and `..` segments are refused because HTTP clients
/// and file systems both rewrite them, so such a key could not mean the same object everywhere.
public enum ObjectKey {
    /// The largest key, in UTF-8 bytes.
    public static let maxBytes = 1024

    /// Checks `key` against the rules.
    ///
    /// - Throws: ``ObjectStorageError`` with code `InvalidKey` and a message naming the problem.
    public static func validate(_ key: String) throws(ObjectStorageError) {
        guard !key.isEmpty else { throw .invalidKey(key, "a key must not be empty") }
        guard !key.hasPrefix("/") else { throw .invalidKey(key, "a key must not start with \"/\"") }
        try validateCharacters(key, what: "key")
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) where segment == "." || segment == ".." {
            throw .invalidKey(key, "a key must not have a \"\(segment)\" path segment")
        }
    }

    /// Checks a listing prefix: like a key, but it may be empty or end anywhere.
    ///
    /// - Throws: ``ObjectStorageError`` with code `InvalidKey`.
    public static func validatePrefix(_ prefix: String) throws(ObjectStorageError) {
        guard !prefix.isEmpty else { return }
        guard !prefix.hasPrefix("/") else { throw .invalidKey(prefix, "a prefix must not start with \"/\"") }
        try validateCharacters(prefix, what: "prefix")
    }

    private static func validateCharacters(_ text: String, what: String) throws(ObjectStorageError) {
        let length = text.utf8.count
        guard length <= maxBytes else {
            throw .invalidKey(text, "a \(what) must be at most \(maxBytes) UTF-8 bytes, this one has \(length)")
        }
        if let control = text.unicodeScalars.first(where: isControl) {
            let code = String(control.value, radix: 16, uppercase: true)
            throw .invalidKey(text, "a \(what) must not hold control characters (found U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))")
        }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// The key in quotes with control characters escaped, for messages.
    static func quoted(_ key: String) -> String {
        let shown = key.unicodeScalars.prefix(200).map { isControl($0) ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return "\"\(shown)\(key.unicodeScalars.count > 200 ? "…" : "")\""
    }
}
