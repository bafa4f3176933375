import Foundation
import Mail
import Testing

/// Property tests: whatever the builder writes, the parser reads back identically — over random
/// structures (text, HTML, inline images, attachments) and random header values (ASCII, accents,
/// CJK, emoji, long words, specials that need quoting).
@Suite("Build then parse: a round trip")
struct MailRoundTripTests {
    /// A small seeded generator (SplitMix64), so a failure names a reproducible seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let alphabets: [[String]] = [
        Array("abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789".map(String.init)),
        Array("äöüßéèêçñøåÄÖÜ".map(String.init)),
        Array("日本語の件名テスト中文标题한국어".map(String.init)),
        ["🎉", "🚀", "👍🏽", "❤️", "🇩🇪"],
        Array(",;:\"()<>@[]\\.=?_-'!#%".map(String.init)),
    ]

    static func text(_ generator: inout SeededGenerator, length: ClosedRange<Int>) -> String {
        let count = Int.random(in: length, using: &generator)
        var result = ""
        for _ in 0..<count {
            let alphabet = alphabets[Int.random(in: 0..<alphabets.count, using: &generator)]
            result += alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
        }
        return result
    }

    /// Single-line text as a header value would be: no leading/trailing or doubled spaces (the
    /// parser collapses folding whitespace, so the property holds for what a sender can mean).
    static func headerText(_ generator: inout SeededGenerator, length: ClosedRange<Int>) -> String {
        text(&generator, length: length).split(separator: " ").joined(separator: " ")
    }

    static func body(_ generator: inout SeededGenerator) -> String {
        let lines = Int.random(in: 1...12, using: &generator)
        return (0..<lines).map { _ in
            Bool.random(using: &generator) ? text(&generator, length: 0...120) : String(repeating: "x", count: Int.random(in: 0...1200, using: &generator))
        }.joined(separator: "\n")
    }

    static func address(_ generator: inout SeededGenerator, index: Int) -> MailAddress {
        let name = Bool.random(using: &generator) ? headerText(&generator, length: 1...30) : nil
        return MailAddress(displayName: name?.isEmpty == true ? nil : name, address: "user\(index).\(UInt16.random(in: 0...999, using: &generator))@example.test")
    }

    static func randomMail(seed: UInt64) -> OutboundMail {
        var generator = SeededGenerator(state: seed)
        var mail = OutboundMail(
            from: address(&generator, index: 0),
            to: (1...Int.random(in: 1...3, using: &generator)).map { address(&generator, index: $0) },
            subject: headerText(&generator, length: 0...140))
        mail.cc = (0..<Int.random(in: 0...2, using: &generator)).map { address(&generator, index: 10 + $0) }
        let shape = Int.random(in: 0...3, using: &generator)
        if shape != 1 { mail.textBody = body(&generator) }
        if shape >= 1 { mail.htmlBody = "<p>" + body(&generator).replacingOccurrences(of: "<", with: "&lt;") + "</p>" }
        if shape == 3 {
            mail.inlineParts = [OutboundAttachment(
                filename: "logo.png", contentType: "image/png", contentID: "logo-\(seed)@example.test",
                data: (0..<Int.random(in: 0...3000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })]
            mail.htmlBody! += "<img src=\"cid:logo-\(seed)@example.test\">"
        }
        for index in 0..<Int.random(in: 0...3, using: &generator) {
            let name = headerText(&generator, length: 1...40).replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\\", with: "_")
            mail.attachments.append(OutboundAttachment(
                filename: "\(index)-\(name).bin", contentType: "application/octet-stream",
                data: (0..<Int.random(in: 0...20_000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        }
        if Bool.random(using: &generator) {
            mail.threading = MailThreading.forIssue("PROJ-\(seed % 1000)", tenantID: "tenant-\(seed % 7)", domain: "mailbridge.example")
        }
        return mail
    }

    /// The parser's view of a body the builder was given: LF line ends, and the line break the
    /// builder always ends a text part with.
    static func expectedText(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        return normalized.hasSuffix("\n") ? normalized : normalized + "\n"
    }

    @Test("200 random messages read back with the same headers, bodies and attachments", arguments: [UInt64(1), 2, 3, 4])
    func roundTrip(batch: UInt64) throws {
        let builder = MailBuilder(messageIDDomain: "mailbridge.example", origin: "install-test")
        let parser = MailParser()
        for offset in 0..<UInt64(50) {
            let seed = batch * 1_000 + offset
            let mail = Self.randomMail(seed: seed)
            let built: BuiltMail
            do {
                built = try builder.build(mail, date: Date(timeIntervalSince1970: 1_764_412_245))
            } catch {
                // Only a value the builder must refuse may fail; names with a line break cannot
                // be produced by the generator, so any error is a bug.
                Issue.record("seed \(seed): the builder refused a valid mail: \(error)")
                continue
            }
            let parsed = parser.parse(built.bytes)
            // Random file names contain characters the parser cleans (`<>:"?*|`); that is reported.
            #expect(parsed.problems.filter { $0.kind != .unsafeFilename }.isEmpty, "seed \(seed): \(parsed.problems)")
            #expect(parsed.subject == mail.subject, "seed \(seed): subject")
            #expect(parsed.from == [mail.from], "seed \(seed): from")
            #expect(parsed.to == mail.to, "seed \(seed): to")
            #expect(parsed.cc == mail.cc, "seed \(seed): cc")
            #expect(parsed.messageID == built.messageID, "seed \(seed): message id")
            if let text = mail.textBody { #expect(parsed.textBody == Self.expectedText(text), "seed \(seed): text body") }
            if let html = mail.htmlBody { #expect(parsed.htmlBody == Self.expectedText(html), "seed \(seed): html body") }
            #expect(parsed.attachments.count == mail.attachments.count + mail.inlineParts.count, "seed \(seed): attachment count")
            for expected in mail.attachments + mail.inlineParts {
                let found = parsed.attachments.first { $0.declaredFilename == expected.filename }
                #expect(found?.part.decodedBody() == expected.data, "seed \(seed): attachment \(expected.filename)")
                #expect(found?.contentType == expected.contentType, "seed \(seed): type of \(expected.filename)")
                #expect(found?.filename == FilenameSanitizer.sanitize(expected.filename), "seed \(seed): safe name of \(expected.filename)")
                #expect(found?.contentID == expected.contentID, "seed \(seed): content id of \(expected.filename)")
            }
            #expect(parsed.unresolvedContentIDs.isEmpty, "seed \(seed): cid references")
            if let threading = mail.threading {
                #expect(parsed.inReplyTo == [threading.rootMessageID], "seed \(seed): in-reply-to")
                #expect(parsed.references.last == threading.rootMessageID, "seed \(seed): references")
            }
            #expect(MailLoopDetector(ownOrigins: ["install-test"]).verdict(for: parsed)?.reason == .ownOutboundMarker, "seed \(seed): our own mail is a loop")
        }
    }
}
