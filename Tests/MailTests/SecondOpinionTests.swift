import Foundation
import Testing

@testable import Mail

/// Compares the parser with Python's `email` package on the shared public corpus
/// (`Expectations/python-second-opinion.json`, written by `ops/mail/second-opinion.py`): the
/// subject, the From addresses, the Message-ID, and the SHA-256 of every leaf part's decoded
/// payload — which checks the MIME tree and the transfer decoding, part by part.
@Suite("Second opinion: Python's email package on the shared corpus")
struct SecondOpinionTests {
    struct Expectation: Decodable {
        var subject: String?
        var from: [String]
        var messageID: String?
        var leaves: [String]
    }

    /// Where we disagree with Python on purpose, and why. Each entry names the field.
    static let intendedDifferences: [String: String] = {
        let deliveryStatus = "Python splits message/delivery-status into header blocks with empty payloads; we keep it as one part (an attachment)"
        let unquotedBoundary = "the boundary is unquoted and contains '=' (Outlook writes this); Python gives up and keeps the multipart as one leaf, we split it"
        return [
            "shared/multipart_report_emails/multi_address_bounce1.eml leaves": deliveryStatus,
            "shared/multipart_report_emails/multi_address_bounce2.eml leaves": deliveryStatus,
            "shared/multipart_report_emails/multipart_report_multiple_status.eml leaves": deliveryStatus,
            "shared/multipart_report_emails/report_422.eml leaves": deliveryStatus,
            "shared/multipart_report_emails/report_530.eml leaves": deliveryStatus,
            "shared/mime_emails/raw_email_with_mimepart_without_content_type.eml leaves": deliveryStatus,
            "shared/mime_emails/raw_email_with_binary_encoded.eml leaves": unquotedBoundary,
            "shared/mime_emails/raw_email_with_illegal_boundary.eml leaves": unquotedBoundary,
            "shared/plain_emails/raw_email_bad_time.eml leaves": unquotedBoundary,
            "shared/attachment_emails/attachment_message_rfc822_inline_image.eml leaves":
                "quoted-printable: RFC 2045 6.7 (3) says trailing whitespace on a line is transport padding and is dropped; Python keeps it",
            "shared/mime_emails/raw_email4.eml leaves":
                "an unterminated multipart: Python drops the file's last line break from the last part, we keep the bytes to the end",
            "shared/rfc2822/example13.eml leaves":
                "obsolete syntax 'From  :' (space before the colon) is a header per RFC 5322 4.5.1; Python takes it for an mbox From_ line and ends the headers at 'To    :'",
            "shared/rfc2822/example13.eml from": "the same obsolete 'From  :' header: we read jdoe@machine.example from it, Python has no From",
            "shared/plain_emails/mix_caps_content_type.eml from":
                "'From: Big Bug bb@bug.com' has no brackets; we take the word with '@' as the address, Python makes '\"big bug bb\"@bug.com'",
            "shared/plain_emails/raw_email_double_at_in_header.eml messageID":
                "a Message-ID with several '@' is kept whole (ids are opaque for threading); Python cuts it at the second '@'",
            "shared/error_emails/invalid_subject_characters.eml subject":
                "undeclared 8-bit Latin-1 in a header is read as Windows-1252 (as mail clients do); Python shows U+FFFD",
        ]
    }()

    static func load() throws -> [String: Expectation] {
        let url = MailCorpus.testsDirectory.appendingPathComponent("Expectations/python-second-opinion.json")
        return try JSONDecoder().decode([String: Expectation].self, from: Data(contentsOf: url))
    }

    /// The sorted digests of the decoded payloads of every leaf.
    static func leafDigests(_ mail: ParsedMail) -> [String] {
        mail.root.allParts()
            .filter { $0.children.isEmpty }
            .map { PartDigest.measure($0).sha256 }
            .sorted()
    }

    @Test("every shared sample reads the same as in Python, except the differences listed with reasons")
    func sharedCorpus() throws {
        let expectations = try Self.load()
        try #require(expectations.count >= 100, "the expectations file lists the shared corpus")
        let parser = MailParser()
        var compared = 0
        for (key, expected) in expectations.sorted(by: { $0.key < $1.key }) {
            let relative = key.replacingOccurrences(of: "shared/", with: "")
            let url = MailCorpus.sharedDirectory.appendingPathComponent(relative)
            let mail = parser.parse(Array(try Data(contentsOf: url)))
            compared += 1
            let subject = mail.subject.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            if Self.intendedDifferences["\(key) subject"] == nil {
                #expect(subject == expected.subject, "\(key): subject")
            }
            if Self.intendedDifferences["\(key) from"] == nil {
                #expect(mail.from.map(\.normalizedAddress).sorted() == expected.from, "\(key): from")
            }
            if Self.intendedDifferences["\(key) messageID"] == nil {
                #expect(mail.messageID == expected.messageID, "\(key): message id")
            }
            if Self.intendedDifferences["\(key) leaves"] == nil {
                #expect(Self.leafDigests(mail) == expected.leaves, "\(key): decoded leaf parts")
            }
        }
        #expect(compared == expectations.count)
    }
}
