import Mail
import Testing

@Suite("Loop and auto-reply detection")
struct MailLoopDetectorTests {
    let detector = MailLoopDetector(ownOrigins: ["install-1"], ownAddresses: ["Support@Acme.example"])

    func reason(_ headers: String, body: String = "hello") -> LoopVerdict.Reason? {
        detector.verdict(for: parse(headers + "\n\n" + body))?.reason
    }

    @Test("a person's mail has no verdict")
    func human() {
        #expect(reason("From: Ada <ada@example.com>\nSubject: help\nAuto-Submitted: no") == nil)
    }

    @Test("each signal gives its reason")
    func reasons() {
        #expect(reason("From: a@example.com\nX-Mailbridge-Origin: install-1") == .ownOutboundMarker)
        #expect(reason("From: a@example.com\nX-Mailbridge-Origin: someone-else") == .ownOutboundMarker)
        #expect(reason("From: SUPPORT@acme.example") == .ownAddress)
        #expect(reason("From: a@example.com\nAuto-Submitted: auto-replied") == .autoSubmitted)
        #expect(reason("From: a@example.com\nX-Autoreply: yes") == .autoSubmitted)
        #expect(reason("From: a@example.com\nPrecedence: bulk") == .bulkPrecedence)
        #expect(reason("From: a@example.com\nPrecedence: junk") == .bulkPrecedence)
        #expect(reason("From: a@example.com\nPrecedence: list") == .bulkPrecedence)
        #expect(reason("From: a@example.com\nX-Auto-Response-Suppress: All") == .autoResponseSuppressed)
        #expect(reason("From: a@example.com\nList-Id: <dev.lists.example.com>") == .mailingList)
        #expect(reason("From: a@example.com\nList-Unsubscribe: <mailto:u@example.com>") == .mailingList)
        #expect(reason("From: a@example.com\nReturn-Path: <>") == .emptyReturnPath)
        #expect(reason("From: MAILER-DAEMON@mx.example.com") == .systemSender)
        #expect(reason("From: no-reply@service.example") == .systemSender)
        #expect(reason("From: postmaster@example.com") == .systemSender)
    }

    @Test("a delivery status notification is recognised by its structure")
    func deliveryStatus() {
        let report = """
            From: someone@example.com
            Content-Type: multipart/report; report-type=delivery-status; boundary=r

            --r
            Content-Type: text/plain

            Delivery failed.
            --r
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.com
            --r--
            """
        #expect(detector.verdict(for: parse(report))?.reason == .deliveryStatusNotification)
    }

    @Test("the evidence never contains the sender's address")
    func evidenceHasNoAddress() {
        let verdict = detector.verdict(for: parse("From: noreply@private.example\n\nx"))
        #expect(verdict?.evidence.contains("private.example") == false)
    }
}
