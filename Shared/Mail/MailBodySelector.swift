/// Decides which parts are the message's text and HTML bodies and which are attachments.
///
/// - `multipart/alternative`: the first text/plain and the first text/html are the bodies; the
///   other representations are neither bodies nor attachments.
/// - `multipart/related`: the root (the `start` parameter, else the first part) is the body; the
///   rest are inline resources (attachments marked inline).
/// - Any other multipart (`mixed`, `report`, `signed`, unknown subtypes): inline text parts in
///   sequence are joined into the body (Apple Mail splits text around inline images), everything
///   else is an attachment.
/// - A part with `Content-Disposition: attachment`, or a file name, is always an attachment; an
///   embedded message is an attachment (`.eml`).
struct MailBodySelector {
    private(set) var textBody: String?
    private(set) var htmlBody: String?
    private(set) var attachments: [MailAttachment] = []
    private(set) var problems: [MailProblem] = []

    mutating func select(_ root: MIMEPart) {
        visit(root, inAlternative: false)
    }

    private mutating func visit(_ part: MIMEPart, inAlternative: Bool) {
        let type = part.contentType
        if type.isMultipart && !part.children.isEmpty {
            switch type.subtype {
            case "alternative":
                for child in part.children { visit(child, inAlternative: true) }
            case "related":
                let startID = type.parameters["start"].map(MIMEStructureParser.stripAngleBrackets)
                let rootIndex = part.children.firstIndex { startID != nil && $0.contentID == startID } ?? 0
                for (index, child) in part.children.enumerated() {
                    if index == rootIndex { visit(child, inAlternative: inAlternative) } else { addAttachment(child) }
                }
            default:
                for child in part.children { visit(child, inAlternative: false) }
            }
            return
        }
        if isBodyCandidate(part) {
            let text = decodeText(part)
            if type.subtype == "html" {
                if htmlBody == nil { htmlBody = text } else if !inAlternative { htmlBody! += "\n" + text }
            } else if textBody == nil {
                textBody = text
            } else if !inAlternative {
                textBody! += "\n\n" + text
            }
            return
        }
        if inAlternative && !hasAttachmentMarkers(part) && !type.isEmbeddedMessage {
            return  // another representation of the same content (text/enriched, text/calendar copy…)
        }
        addAttachment(part)
    }

    /// A text/plain or text/html part that the sender did not mark as a file.
    private func isBodyCandidate(_ part: MIMEPart) -> Bool {
        let type = part.contentType
        guard type.isText, type.subtype == "plain" || type.subtype == "html" else { return false }
        return !hasAttachmentMarkers(part)
    }

    private func hasAttachmentMarkers(_ part: MIMEPart) -> Bool {
        if part.disposition?.isAttachment == true { return true }
        return declaredFilename(part) != nil
    }

    private func declaredFilename(_ part: MIMEPart) -> String? {
        let name = part.disposition?.filename ?? part.contentType.parameters["name"]
        guard let name, !name.trimmingWhitespace().isEmpty else { return nil }
        return name
    }

    private mutating func decodeText(_ part: MIMEPart) -> String {
        let (bytes, damaged) = part.decodedBodyCheckingDamage()
        var decoded = MailCharset.decode(bytes, declaredCharset: part.contentType.charset)
        if let problem = decoded.problem {
            problems.append(MailProblem(.charset, at: part.location, problem.description))
        }
        if damaged {
            let kind: MailProblem.Kind = part.transferEncoding == .base64 ? .invalidBase64 : .invalidQuotedPrintable
            problems.append(MailProblem(kind, at: part.location, "damaged \(part.transferEncoding.rawValue) text; decoded what was readable"))
        }
        decoded.text = Self.normalizeLineEnds(decoded.text)
        if part.contentType.subtype == "plain", part.contentType.parameters["format"]?.lowercased() == "flowed" {
            decoded.text = FlowedText.unflow(decoded.text, deleteSpace: part.contentType.parameters["delsp"]?.lowercased() == "yes")
        }
        return decoded.text
    }

    private mutating func addAttachment(_ part: MIMEPart) {
        if part.contentType.isMultipart {
            // A multipart in an attachment position (related inside related…): its leaves.
            for child in part.children { addAttachment(child) }
            if !part.children.isEmpty { return }
        }
        let declared = declaredFilename(part).map { EncodedWords.decode($0).text }
        var filename = declared.flatMap(FilenameSanitizer.sanitize)
        if let declared, filename != declared {
            problems.append(MailProblem(.unsafeFilename, at: part.location, "the file name was unsafe or too long and was cleaned"))
        }
        if filename == nil, part.contentType.isEmbeddedMessage, let subject = part.children.first?.headers.decoded("Subject") {
            filename = FilenameSanitizer.sanitize(subject + ".eml")
        }
        let measured = PartDigest.measure(part)
        if measured.damaged {
            let kind: MailProblem.Kind = part.transferEncoding == .base64 ? .invalidBase64 : .invalidQuotedPrintable
            problems.append(MailProblem(kind, at: part.location, "damaged \(part.transferEncoding.rawValue) content; decoded what was readable"))
        }
        attachments.append(MailAttachment(
            filename: filename ?? FilenameSanitizer.generated(index: attachments.count + 1, contentType: part.contentType),
            declaredFilename: declared,
            contentType: part.contentType.mimeType,
            size: measured.size,
            sha256: measured.sha256,
            contentID: part.contentID,
            isReferencedFromHTML: false,
            isInline: part.disposition?.isInline ?? false,
            part: part))
    }

    static func normalizeLineEnds(_ text: String) -> String {
        guard text.utf8.contains(ASCII.cr) else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == ASCII.cr {
                bytes.append(ASCII.lf)
                if index + 1 < utf8.count && utf8[index + 1] == ASCII.lf { index += 1 }
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
