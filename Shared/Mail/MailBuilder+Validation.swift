/// Checks on every value the builder writes into a header, so that no value can add a header
/// (CR/LF are refused everywhere) and every address and identifier is well formed.
extension MailBuilder {
    /// Headers the builder writes itself, and Bcc (which would show every blind recipient);
    /// extra headers may not use these names (any case).
    static let reservedHeaderNames: Set<String> = [
        "date", "from", "to", "cc", "bcc", "reply-to", "subject", "message-id", "mime-version",
        "in-reply-to", "references", "content-type", "content-transfer-encoding", "content-disposition",
        "content-id", MailHeaderName.autoSubmitted.lowercased(), MailHeaderName.autoResponseSuppress.lowercased(),
        MailHeaderName.outboundMarker.lowercased(),
    ]

    static func rejectLineBreaks(_ value: String, field: String) throws(MailBuildError) {
        for byte in value.utf8 where byte == 13 || byte == 10 {
            throw MailBuildError(field: field, problem: .containsLineBreak)
        }
    }

    /// The addr-spec of a valid address: ASCII dot-atom local part, `@`, ASCII domain.
    static func validatedAddress(_ address: MailAddress, field: String) throws(MailBuildError) -> String {
        let text = address.address
        try rejectLineBreaks(text, field: field)
        if let name = address.displayName { try rejectLineBreaks(name, field: field + ".displayName") }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\u{85}" || $0.properties.isWhitespace }) {
            throw MailBuildError(field: field, problem: .containsWhitespace)
        }
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex else {
            throw MailBuildError(field: field, problem: .missingAtSign)
        }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard local.utf8.allSatisfy({ $0 < 0x80 }) else { throw MailBuildError(field: field, problem: .nonASCIILocalPart) }
        guard domain.utf8.allSatisfy({ $0 < 0x80 }) else { throw MailBuildError(field: field, problem: .nonASCIIDomain) }
        guard isDotAtom(Array(local.utf8)) else { throw MailBuildError(field: field, problem: .invalidLocalPart) }
        guard local.utf8.count <= 64 else { throw MailBuildError(field: field, problem: .tooLong(limit: 64)) }
        try validateDomain(String(domain), field: field)
        return text
    }

    /// Dot-separated labels of ASCII letters, digits, `-` and `_`, at most 253 characters.
    static func validateDomain(_ domain: String, field: String) throws(MailBuildError) {
        try rejectLineBreaks(domain, field: field)
        guard domain.utf8.allSatisfy({ $0 < 0x80 }) else { throw MailBuildError(field: field, problem: .nonASCIIDomain) }
        let labels = domain.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let valid = labels.allSatisfy { label in
            !label.isEmpty && label.allSatisfy { byte in isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") }
        }
        guard valid else { throw MailBuildError(field: field, problem: .invalidDomain) }
        guard domain.utf8.count <= 253 else { throw MailBuildError(field: field, problem: .tooLong(limit: 253)) }
    }

    /// A Message-ID or Content-ID without angle brackets (one surrounding pair is removed):
    /// printable ASCII other than `<` and `>`. Ids from other mailers are cited as they are, so
    /// `@` is not required.
    static func validatedIdentifier(_ id: String, field: String) throws(MailBuildError) -> String {
        try rejectLineBreaks(id, field: field)
        var text = Substring(id)
        if text.hasPrefix("<"), text.hasSuffix(">"), text.count >= 2 { text = text.dropFirst().dropLast() }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { throw MailBuildError(field: field, problem: .invalidIdentifier) }
        return String(text)
    }

    /// A field name (RFC 5322 §3.6.8: printable ASCII without `:`) short enough to leave room on
    /// its line, not one the builder writes.
    static func validateExtraHeaderName(_ name: String, field: String) throws(MailBuildError) {
        try rejectLineBreaks(name, field: field)
        guard !name.isEmpty, name.utf8.count <= 76, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") })
        else { throw MailBuildError(field: field, problem: .invalidHeaderName) }
        guard !reservedHeaderNames.contains(name.lowercased()) else {
            throw MailBuildError(field: field, problem: .reservedHeaderName)
        }
    }

    /// `type/subtype` (RFC 2045 tokens) and the parameters after it, if any (printable ASCII).
    static func validatedContentType(_ contentType: String, field: String) throws(MailBuildError) -> (type: String, parameters: String?) {
        try rejectLineBreaks(contentType, field: field)
        let trimmed = trimmingSpaces(contentType)
        let semicolon = trimmed.firstIndex(of: ";")
        let type = trimmingSpaces(String(trimmed[..<(semicolon ?? trimmed.endIndex)]))
        let halves = type.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard halves.count == 2, halves.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isTokenByte) }) else {
            throw MailBuildError(field: field, problem: .invalidContentType)
        }
        guard let semicolon else { return (type, nil) }
        let parameters = trimmingSpaces(String(trimmed[trimmed.index(after: semicolon)...]))
        guard parameters.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 9 }) else {
            throw MailBuildError(field: field, problem: .invalidContentType)
        }
        return (type, parameters.isEmpty ? nil : parameters)
    }

    /// Printable ASCII (spaces allowed), not empty.
    static func validateOrigin(_ origin: String) throws(MailBuildError) {
        try rejectLineBreaks(origin, field: "origin")
        guard origin.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { throw MailBuildError(field: "origin", problem: .nonASCII) }
        guard !trimmingSpaces(origin).isEmpty else { throw MailBuildError(field: "origin", problem: .invalidIdentifier) }
    }

    static func trimmingSpaces(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 9 }), let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 9 })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// RFC 5322 atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }

    /// atext runs separated by single dots, not starting or ending with one.
    static func isDotAtom(_ bytes: [UInt8]) -> Bool {
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }

    /// RFC 2045 token: printable ASCII without space and `()<>@,;:\"/[]?=`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && !"()<>@,;:\\\"/[]?=".utf8.contains(byte)
    }
}
