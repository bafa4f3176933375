/// The MIME body: text parts, files, and the multiparts around them.
extension MailBuilder {
    /// One MIME entity: its content header fields (already folded, CRLF-terminated) and its encoded body.
    struct Entity {
        var headers: [UInt8]
        var body: [UInt8]

        /// Header fields, the blank line, the body.
        var bytes: [UInt8] { headers + [13, 10] + body }
    }

    /// The entity for the whole body: text / alternative / related / mixed as the mail needs.
    static func bodyEntity(_ mail: OutboundMail, random: inout some RandomNumberGenerator) throws(MailBuildError) -> Entity {
        if !mail.inlineParts.isEmpty, mail.htmlBody == nil {
            throw MailBuildError(field: "inlineParts", problem: .inlinePartsWithoutHTML)
        }
        var html: Entity?
        if let htmlBody = mail.htmlBody {
            var entity = try textEntity(htmlBody, subtype: "html")
            if !mail.inlineParts.isEmpty {
                var parts = [entity]
                for (index, part) in mail.inlineParts.enumerated() {
                    parts.append(try fileEntity(part, inline: true, field: "inlineParts[\(index)]"))
                }
                entity = try multipart("related", parameters: ["type=\"text/html\";"], parts: parts, random: &random)
            }
            html = entity
        }
        var content: Entity
        switch (mail.textBody, html) {
        case (let text?, let html?):
            content = try multipart("alternative", parts: [try textEntity(text, subtype: "plain"), html], random: &random)
        case (nil, let html?):
            content = html
        case (let text, nil):
            content = try textEntity(text ?? "", subtype: "plain")
        }
        if !mail.attachments.isEmpty {
            var parts = [content]
            for (index, attachment) in mail.attachments.enumerated() {
                parts.append(try fileEntity(attachment, inline: false, field: "attachments[\(index)]"))
            }
            content = try multipart("mixed", parts: parts, random: &random)
        }
        return content
    }

    /// A UTF-8 text part with CRLF line endings in 7bit, quoted-printable or base64.
    static func textEntity(_ text: String, subtype: String) throws(MailBuildError) -> Entity {
        let canonical = TransferEncoder.canonicalText(text)
        let encoding = TransferEncoder.choose(forCanonicalText: canonical)
        let headers =
            try simpleField("Content-Type", "text/\(subtype); charset=utf-8", field: "Content-Type")
            + simpleField("Content-Transfer-Encoding", encoding.headerValue, field: "Content-Transfer-Encoding")
        return Entity(headers: headers, body: TransferEncoder.encode(canonicalText: canonical, as: encoding))
    }

    /// An attachment or inline part: base64, with name, disposition and Content-ID. A filename
    /// that is not plain printable ASCII is written as RFC 2231 `filename*=utf-8''…`, with an ASCII
    /// fallback (`_` for each other character) as Content-Type's `name` for clients without RFC 2231.
    static func fileEntity(_ file: OutboundAttachment, inline: Bool, field: String) throws(MailBuildError) -> Entity {
        let (type, parameters) = try validatedContentType(file.contentType, field: field + ".contentType")
        try rejectLineBreaks(file.filename, field: field + ".filename")
        guard file.filename.utf8.count <= 255 else { throw MailBuildError(field: field + ".filename", problem: .tooLong(limit: 255)) }
        var contentID: String?
        if let id = file.contentID {
            contentID = try validatedIdentifier(id, field: field + ".contentID")
        } else if inline {
            throw MailBuildError(field: field + ".contentID", problem: .missingContentID)
        }
        let fallback = asciiFilename(file.filename)

        var contentType = OutboundHeaderFolder(name: "Content-Type")
        var disposition = OutboundHeaderFolder(name: "Content-Disposition")
        let named = !file.filename.isEmpty
        contentType.append(type + (parameters != nil || named ? ";" : ""))
        if let parameters { appendRawWords(parameters + (named ? ";" : ""), to: &contentType) }
        disposition.append((inline ? "inline" : "attachment") + (named ? ";" : ""))
        if named {
            // The ASCII fallback goes in Content-Type's `name`, not beside `filename*`: parsers that
            // know RFC 2231 treat `filename` and `filename*` as one parameter given twice, and some
            // (Python's email) keep the first, so the pair would hide the real name.
            contentType.append("name=\"\(fallback)\"")
            if fallback == file.filename {
                disposition.append("filename=\"\(fallback)\"")
            } else {
                disposition.append("filename*=utf-8''" + percentEncoded(file.filename))
            }
        }
        var headers = try finish(contentType, field: field + ".contentType")
        headers += try simpleField("Content-Transfer-Encoding", "base64", field: field)
        headers += try finish(disposition, field: field + ".filename")
        if let contentID { headers += try identifierField("Content-ID", [contentID], field: field + ".contentID") }
        return Entity(headers: headers, body: TransferEncoder.base64(file.data))
    }

    /// `multipart/<subtype>` around `parts`, with a random boundary that occurs in none of them.
    static func multipart(
        _ subtype: String, parameters: [String] = [], parts: [Entity], random: inout some RandomNumberGenerator
    ) throws(MailBuildError) -> Entity {
        let serialized = parts.map(\.bytes)
        var boundary = randomBoundary(&random)
        while serialized.contains(where: { contains($0, Array(boundary.utf8)) }) { boundary = randomBoundary(&random) }
        var folder = OutboundHeaderFolder(name: "Content-Type")
        folder.append("multipart/\(subtype);")
        for parameter in parameters { folder.append(parameter) }
        folder.append("boundary=\"\(boundary)\"")
        var body: [UInt8] = []
        let delimiter = Array("--\(boundary)".utf8)
        for (index, part) in serialized.enumerated() {
            if index > 0 { body += [13, 10] }
            body += delimiter + [13, 10] + part
        }
        body += [13, 10] + delimiter + Array("--".utf8) + [13, 10]
        return Entity(headers: try finish(folder, field: "Content-Type"), body: body)
    }

    /// `=_` followed by 28 random letters and digits: `=_` never occurs in quoted-printable or
    /// base64 output, and the rest makes a clash with any other content vanishingly unlikely.
    static func randomBoundary(_ random: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars)
        var boundary = "=_"
        for _ in 0..<28 { boundary.unicodeScalars.append(alphabet[Int(random.next(upperBound: UInt8(alphabet.count)))]) }
        return boundary
    }

    /// The filename with every character outside printable ASCII, and `"` and `\`, replaced by `_`:
    /// the `name=` that clients without RFC 2231 show.
    static func asciiFilename(_ filename: String) -> String {
        var result = ""
        for scalar in filename.unicodeScalars {
            let keep = scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "\"" && scalar != "\\"
            result.unicodeScalars.append(keep ? scalar : "_")
        }
        return result
    }

    /// RFC 2231 §7 value: UTF-8 with everything but attribute-chars as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        var result = ""
        for byte in text.utf8 {
            if isAlphanumeric(byte) || "!#$&+-.^_`|~".utf8.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result += "%"
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
