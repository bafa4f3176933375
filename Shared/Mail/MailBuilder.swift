import Foundation
import Hex

/// A mail as it goes over SMTP: its Message-ID and its bytes.
public struct BuiltMail: Sendable, Equatable {
    /// Without angle brackets.
    public var messageID: String
    /// The RFC 5322 message: 7-bit ASCII, CRLF line endings only (no bare CR or LF), every line at
    /// most 998 characters (header lines at most 78 unless a single word is longer), ending in CRLF.
    public var bytes: [UInt8]

    public init(messageID: String, bytes: [UInt8]) {
        self.messageID = messageID
        self.bytes = bytes
    }
}

/// Turns an `OutboundMail` into MIME bytes ready for SMTP.
///
/// Header order: Date (UTC), From, To, Cc, Reply-To (the last three only when non-empty), Subject,
/// Message-ID, MIME-Version, In-Reply-To and References (with threading), Auto-Submitted,
/// X-Auto-Response-Suppress, X-Mailbridge-Origin, the extra headers, then Content-Type and
/// Content-Transfer-Encoding. Every value is checked (no CR/LF anywhere, valid addresses and ids);
/// anything invalid throws `MailBuildError` naming the field, and nothing is written.
///
/// Body structure: text only → text/plain; HTML only → text/html; both → multipart/alternative;
/// inline parts → multipart/related (HTML first, then the parts) in place of the HTML;
/// attachments → multipart/mixed around the rest. Boundaries are random and occur in no part.
/// Apart from the boundaries (and a generated Message-ID), equal inputs give equal bytes.
public struct MailBuilder: Sendable {
    /// The right-hand side of generated Message-IDs.
    public var messageIDDomain: String
    /// The value of `X-Mailbridge-Origin` on every mail: this installation's identifier.
    public var origin: String

    public init(messageIDDomain: String, origin: String) {
        self.messageIDDomain = messageIDDomain
        self.origin = origin
    }

    /// Builds the mail. `messageID` (without angle brackets) is used as given; without it, a random
    /// `<32 hex digits>@messageIDDomain` is generated.
    public func build(_ mail: OutboundMail, date: Date, messageID: String? = nil) throws(MailBuildError) -> BuiltMail {
        var random = SystemRandomNumberGenerator()
        let id: String
        if let messageID {
            id = try Self.validatedIdentifier(messageID, field: "messageID")
        } else {
            try Self.validateDomain(messageIDDomain, field: "messageIDDomain")
            id = Self.randomHex(&random) + "@" + messageIDDomain
        }
        try Self.validateOrigin(origin)

        var headers: [UInt8] = []
        headers += try Self.simpleField("Date", Self.rfc5322Date(date), field: "date")
        headers += try Self.addressField("From", [mail.from], field: "from", indexed: false)
        if !mail.to.isEmpty {
            headers += try Self.addressField("To", mail.to, field: "to")
        } else if mail.cc.isEmpty {
            // Recipients only in the envelope (notifications, alerts): an empty group, so that no
            // recipient sees another's address and filters that score a missing To have one.
            headers += try Self.simpleField("To", "undisclosed-recipients:;", field: "to")
        }
        if !mail.cc.isEmpty { headers += try Self.addressField("Cc", mail.cc, field: "cc") }
        if !mail.replyTo.isEmpty { headers += try Self.addressField("Reply-To", mail.replyTo, field: "replyTo") }
        try Self.rejectLineBreaks(mail.subject, field: "subject")
        headers += try Self.unstructuredField("Subject", mail.subject, field: "subject")
        headers += try Self.identifierField(MailHeaderName.messageID, [id], field: "messageID")
        headers += try Self.simpleField("MIME-Version", "1.0", field: "MIME-Version")
        if let threading = mail.threading { headers += try Self.threadingFields(threading, messageID: id) }
        headers += try Self.simpleField(MailHeaderName.autoSubmitted, "auto-generated", field: MailHeaderName.autoSubmitted)
        headers += try Self.simpleField(MailHeaderName.autoResponseSuppress, "All", field: MailHeaderName.autoResponseSuppress)
        headers += try Self.simpleField(MailHeaderName.outboundMarker, Self.trimmingSpaces(origin), field: "origin")
        for (index, header) in mail.extraHeaders.enumerated() {
            headers += try Self.extraField(header, field: "extraHeaders[\(index)]")
        }
        let body = try Self.bodyEntity(mail, random: &random)
        return BuiltMail(messageID: id, bytes: headers + body.bytes)
    }

    /// In-Reply-To the root and References ending with it; the root itself cites only the older ids.
    static func threadingFields(_ threading: MailThreading, messageID: String) throws(MailBuildError) -> [UInt8] {
        let root = try validatedIdentifier(threading.rootMessageID, field: "threading.rootMessageID")
        var chain: [String] = []
        for (index, reference) in threading.references.enumerated() {
            let id = try validatedIdentifier(reference, field: "threading.references[\(index)]")
            if id != root, id != messageID, !chain.contains(id) { chain.append(id) }
        }
        if root != messageID { chain.append(root) }
        guard let parent = chain.last else { return [] }
        return try identifierField(MailHeaderName.inReplyTo, [parent], field: "threading")
            + identifierField(MailHeaderName.references, chain, field: "threading")
    }

    /// An extra header: printable ASCII as is (trimmed, folded at spaces), anything else as
    /// encoded words.
    static func extraField(_ header: OutboundHeader, field: String) throws(MailBuildError) -> [UInt8] {
        try validateExtraHeaderName(header.name, field: field + ".name")
        try rejectLineBreaks(header.value, field: field + ".value")
        let value = trimmingSpaces(header.value)
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return try simpleField(header.name, value, field: field + ".value")
        }
        var folder = OutboundHeaderFolder(name: header.name)
        folder.appendEncodedWords(value)
        return try finish(folder, field: field + ".value")
    }

    static func randomHex(_ random: inout some RandomNumberGenerator) -> String {
        let high = random.next() as UInt64
        let low = random.next() as UInt64
        return Hex.lowercase(high) + Hex.lowercase(low)
    }
}
