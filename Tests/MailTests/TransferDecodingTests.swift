import Foundation
import Mail
import Testing

@Suite("Transfer encodings and parameters")
struct TransferDecodingTests {
    /// The decoded body of the single part of a message with `encoding` and `body`.
    func decode(_ encoding: String, _ body: String) -> (bytes: [UInt8], problems: [MailProblem.Kind]) {
        let mail = parse("Content-Type: application/octet-stream\nContent-Transfer-Encoding: \(encoding)\n\n\(body)")
        return (mail.root.decodedBody(), mail.problems.map(\.kind))
    }

    @Test("base64 with line breaks, junk characters and missing padding")
    func base64() {
        #expect(decode("base64", "SGVs\nbG8g\nV29y\nbGQ=").bytes == Array("Hello World".utf8))
        #expect(decode("base64", "SGVsbG8gV29ybGQ").bytes == Array("Hello World".utf8))
        #expect(decode("base64", "SGVs*bG8g!V29ybGQ=").bytes == Array("Hello World".utf8))
        #expect(decode("Base64", "SGk=\nSGk=").bytes == Array("HiHi".utf8), "concatenated padded blocks")
    }

    @Test("base64 decodes the same whatever the chunking, with line ends and junk anywhere", arguments: [1, 2, 3, 5, 7, 64, 4096])
    func base64Chunking(chunkSize: Int) {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 4, 5, 57, 58, 59, 1000] {
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var encoded = Array(Data(payload).base64EncodedString(options: [.lineLength64Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]).utf8)
            // Sprinkle junk that decoders must skip.
            for _ in 0..<(length / 50) { encoded.insert(UInt8(ascii: "*"), at: Int.random(in: 0...encoded.count, using: &generator)) }
            let mail = MailParser().parse(Array("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n".utf8) + encoded)
            var received: [UInt8] = []
            mail.root.decodeBody(chunkSize: chunkSize) { received.append(contentsOf: $0) }
            #expect(received == payload, "length \(length), chunks of \(chunkSize)")
            #expect(mail.root.decodedBody() == payload, "length \(length), whole")
        }
    }

    @Test("damaged base64 in an attachment is reported and the readable rest kept")
    func damagedBase64Reported() {
        let mail = parse("""
            Content-Type: multipart/mixed; boundary=q

            --q
            Content-Type: application/octet-stream; name=a.bin
            Content-Transfer-Encoding: base64

            SGVs*bG8=
            --q--
            """)
        #expect(mail.attachments.first?.size == 5)
        #expect(mail.problems.map(\.kind) == [.invalidBase64])
    }

    @Test("quoted-printable: soft breaks, lowercase hex, trailing whitespace, stray equals signs")
    func quotedPrintable() {
        #expect(decode("quoted-printable", "a=3Db =\nc").bytes == Array("a=b c".utf8))
        #expect(decode("quoted-printable", "caf=c3=a9").bytes == Array("café".utf8))
        #expect(decode("quoted-printable", "trailing   \nnext").bytes == Array("trailing\r\nnext".utf8))
        #expect(decode("quoted-printable", "soft with space= \nend").bytes == Array("soft with spaceend".utf8))
        #expect(decode("quoted-printable", "2+2=4 and =ZZ").bytes == Array("2+2=4 and =ZZ".utf8))
    }

    @Test("7bit, 8bit, binary and misspelt encodings pass through; unknown ones are reported")
    func identityEncodings() {
        #expect(decode("7-bit", "abc").bytes == Array("abc".utf8))
        #expect(decode("8bit", "abc").bytes == Array("abc".utf8))
        #expect(decode("binary", "abc").bytes == Array("abc".utf8))
        #expect(decode("quoted printable", "a=3Db").bytes == Array("a=b".utf8))
        #expect(decode("8bits", "abc").problems == [])
        let unknown = decode("x-gzip-ish", "abc")
        #expect(unknown.bytes == Array("abc".utf8))
        #expect(unknown.problems == [.unknownTransferEncoding])
    }

    @Test("x-uuencode bodies are decoded, text around the block is skipped")
    func uuencode() {
        // Python: binascii.b2a_uu(b"Hello, uuencoded world!")
        let body = "preamble text\nbegin 644 hello.txt\n72&5L;&\\L('5U96YC;V1E9\"!W;W)L9\"$ \n`\nend\ntrailer"
        #expect(decode("x-uuencode", body).bytes == Array("Hello, uuencoded world!".utf8))
    }

    @Test("RFC 2231 continuations with a charset, and RFC 2047 inside a quoted filename")
    func parameters() {
        let mail = parse("""
            Content-Type: multipart/mixed; boundary=p

            --p
            Content-Type: application/pdf
            Content-Disposition: attachment;
             filename*0*=utf-8''%E2%82%AC%20rates;
             filename*1*=%20f%C3%BCr;
             filename*2=" 2026.pdf"

            x
            --p
            Content-Type: application/pdf; name="=?UTF-8?B?w5xiZXJzaWNodC5wZGY=?="

            y
            --p
            Content-Type: text/plain; name*=iso-8859-1'de'Gr%FC%DFe.txt

            z
            --p--
            """)
        #expect(mail.attachments.map(\.filename) == ["€ rates für 2026.pdf", "Übersicht.pdf", "Grüße.txt"])
        #expect(mail.problems.isEmpty)
    }

    @Test("file names: path traversal, control characters and reserved characters are cleaned; long names keep the extension")
    func filenames() {
        #expect(FilenameSanitizer.sanitize("../../etc/passwd") == "passwd")
        let windowsPath = "C:\\Users\\ada\\report.pdf"
        #expect(FilenameSanitizer.sanitize(windowsPath) == "report.pdf")
        #expect(FilenameSanitizer.sanitize("in\u{0}voice\u{202E}fdp.exe") == "invoicefdp.exe")
        #expect(FilenameSanitizer.sanitize("a<b>:c?.txt") == "a_b__c_.txt")
        #expect(FilenameSanitizer.sanitize("...hidden") == "hidden")
        #expect(FilenameSanitizer.sanitize(" / ") == nil)
        let long = String(repeating: "é", count: 300) + ".pdf"
        let cleaned = FilenameSanitizer.sanitize(long)
        #expect(cleaned?.hasSuffix(".pdf") == true)
        #expect((cleaned?.utf8.count ?? 0) <= FilenameSanitizer.maximumLength)

        let mail = parse("""
            Content-Type: multipart/mixed; boundary=f

            --f
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename="../../../root/.ssh/authorized_keys"

            x
            --f--
            """)
        #expect(mail.attachments.first?.filename == "authorized_keys")
        #expect(mail.attachments.first?.declaredFilename == "../../../root/.ssh/authorized_keys")
        #expect(mail.problems.map(\.kind) == [.unsafeFilename])
    }

    @Test("format=flowed text is unwrapped")
    func flowed() {
        let mail = parse("Content-Type: text/plain; format=flowed\n\nThis is one \nparagraph.\n> quoted \n> line\n-- \nsig")
        #expect(mail.textBody == "This is one paragraph.\n> quoted line\n-- \nsig")
    }

    @Test("streaming an attachment yields exactly the decoded bytes, in bounded chunks")
    func streaming() throws {
        var payload = [UInt8](repeating: 0, count: 300_000)
        var generator = SystemRandomNumberGenerator()
        for index in payload.indices { payload[index] = UInt8.random(in: 0...255, using: &generator) }
        let encoded = Data(payload).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let mail = MailParser().parse(Array("Content-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\n\(encoded)\r\n".utf8))
        var received: [UInt8] = []
        var largestChunk = 0
        mail.root.decodeBody(chunkSize: 16 * 1024) { chunk in
            received.append(contentsOf: chunk)
            largestChunk = max(largestChunk, chunk.count)
        }
        #expect(received == payload)
        #expect(largestChunk <= 12 * 1024 + 3)
    }
}
