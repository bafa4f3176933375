import Crypto

/// Parses raw messages. Never throws and never crashes: whatever the input, the result says what
/// could be read and lists what was wrong in `problems`.
///
/// Memory: the message is held once; bodies are decoded one part at a time, attachments are
/// hashed while streaming (their content is not kept — stream it again with
/// `attachment.part.decodeBody(into:)`).
public struct MailParser: Sendable {
    public init() {}

    /// Parses `bytes` (the message exactly as received).
    public func parse(_ bytes: [UInt8]) -> ParsedMail {
        parse(MailBytes(bytes))
    }

    /// Parses a message already held in a `MailBytes`.
    public func parse(_ source: MailBytes) -> ParsedMail {
        var structure = MIMEStructureParser()
        let root = structure.parseMessage(source)
        var problems = structure.problems
        let headers = root.headers

        func unstructured(_ name: String) -> String? {
            guard let field = headers.first(name) else { return nil }
            let raw = HeaderText.decodeRaw(field.rawValue)
            if let problem = raw.problem { problems.append(MailProblem(.charset, at: "header \(name)", problem.description)) }
            let decoded = EncodedWords.decode(raw.text)
            for problem in decoded.problems { problems.append(MailProblem(.malformedEncodedWord, at: "header \(name)", problem)) }
            return decoded.text.trimmingWhitespace()
        }
        func addresses(_ name: String) -> [MailAddress] {
            headers.all(name).flatMap { field -> [MailAddress] in
                let raw = HeaderText.decodeRaw(field.rawValue)
                if let problem = raw.problem { problems.append(MailProblem(.charset, at: "header \(name)", problem.description)) }
                return AddressListParser.parse(raw.text)
            }
        }

        let dateText = headers.raw("Date")
        let date = dateText.flatMap(MailDateParser.parse)
        if let dateText, date == nil, !dateText.isEmpty {
            problems.append(MailProblem(.malformedDate, at: "header Date", "the date is not in a form any mail client writes"))
        }
        var selector = MailBodySelector()
        selector.select(root)
        problems.append(contentsOf: selector.problems)
        var textBody = selector.textBody
        var derived = false
        if textBody == nil, let html = selector.htmlBody {
            textBody = HTMLText.plainText(fromHTML: html)
            derived = true
        }
        var attachments = selector.attachments
        let references = ContentIDReferences.find(in: selector.htmlBody ?? "")
        var unresolved: [String] = []
        for reference in references {
            var found = false
            for index in attachments.indices where attachments[index].contentID == reference {
                attachments[index].isReferencedFromHTML = true
                found = true
            }
            if !found && !unresolved.contains(reference) { unresolved.append(reference) }
        }
        for reference in unresolved {
            problems.append(MailProblem(.unresolvedContentID, at: "HTML body", "the HTML refers to cid:\(reference), which no part provides"))
        }

        return ParsedMail(
            headers: headers,
            root: root,
            subject: unstructured("Subject"),
            from: addresses("From"),
            sender: addresses("Sender").first,
            replyTo: addresses("Reply-To"),
            to: addresses("To"),
            cc: addresses("Cc"),
            dateText: dateText,
            date: date,
            messageID: headers.raw("Message-ID").flatMap { MessageIDList.parse($0).first },
            inReplyTo: headers.raw("In-Reply-To").map(MessageIDList.parse) ?? [],
            references: headers.raw("References").map(MessageIDList.parse) ?? [],
            textBody: textBody,
            textIsDerivedFromHTML: derived,
            htmlBody: selector.htmlBody,
            attachments: attachments,
            unresolvedContentIDs: unresolved,
            problems: problems
        )
    }
}

/// Hashes a part's decoded content while streaming it.
enum PartDigest {
    static func measure(_ part: MIMEPart) -> (size: Int, sha256: String, damaged: Bool) {
        var hasher = SHA256()
        var size = 0
        let damaged = part.decodeBody { chunk in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
            size += chunk.count
        }
        let digest = hasher.finalize()
        var hex = ""
        hex.reserveCapacity(64)
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return (size, hex, damaged)
    }
}
