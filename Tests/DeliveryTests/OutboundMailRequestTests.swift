import Messaging
import Testing

@Suite("OutboundMailRequest")
struct OutboundMailRequestTests {
    @Test("a mail.outbound body survives JSON and names a wrong shape")
    func roundTrip() throws {
        let request = OutboundMailRequest(
            tenant: "t1", requestID: "evt-1", kind: .notification, objectKey: "sent/t1/2026/11/29/evt-1.eml",
            messageID: "a@b", envelopeFrom: "jira@acme.test", recipients: ["x@acme.test", "y@acme.test"],
            subject: "[ACME-1] Printer", byteCount: 1234, issueKey: "ACME-1")
        let json = try TopicRecordCoding.encode(request)
        #expect(try TopicRecordCoding.decode(OutboundMailRequest.self, from: json) == request)
        #expect(throws: MessagingError.self) { try TopicRecordCoding.decode(OutboundMailRequest.self, from: Array("{}".utf8)) }
    }
}
