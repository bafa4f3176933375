/// Rules for key ids (KEK ids like `kek-2026-11`, data-key ids like `dk-…`).
///
/// An id travels inside every sealed box (one length byte, UTF-8), so it is 1…255 bytes; it is
/// limited to letters, digits, `-`, `_` and `.` so it can never clash with the `id:base64,…`
/// configuration syntax or be mistaken for anything else in a log line.
enum KeyIdentifier {
    /// The longest id that fits the sealed-box length byte.
    static let maximumLength = 255

    /// Throws `.invalidKey` naming the rule `id` breaks.
    static func validate(_ id: String) throws {
        guard !id.isEmpty, id.utf8.count <= maximumLength else {
            throw EncryptionError(.invalidKey, "a key id must be 1 to \(maximumLength) bytes, got \(id.utf8.count)")
        }
        let allowed = id.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard allowed else {
            throw EncryptionError(.invalidKey, "key id \"\(id)\" may only contain letters, digits, '-', '_' and '.'")
        }
    }
}
