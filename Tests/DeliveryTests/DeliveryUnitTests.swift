import Curl
import Foundation
import Kafka
import Testing

@testable import Delivery

@Suite("Delivery building blocks: back-off, failure classes, dead-letter format, topics")
struct DeliveryUnitTests {
    @Test("back-off doubles from the first wait, is capped, and jitters between half and all of it")
    func backOff() {
        let policy = RetryPolicy(maximumAttempts: 5, initialDelay: .seconds(1), maximumDelay: .seconds(5))
        for _ in 0..<50 {
            let first = policy.delay(after: 1)
            #expect(first >= .milliseconds(500) && first <= .seconds(1))
            let third = policy.delay(after: 3)
            #expect(third >= .seconds(2) && third <= .seconds(4))
            let capped = policy.delay(after: 30)
            #expect(capped >= .milliseconds(2500) && capped <= .seconds(5))
        }
        let delays = Set((0..<20).map { _ in policy.delay(after: 2) })
        #expect(delays.count > 1, "the waits are jittered")
    }

    @Test("5xx is permanent whatever libcurl's code; 4xx and lost connections are transient; auth refusals are spotted")
    func failureClasses() {
        let refused = CurlError(code: .sendError, responseCode: 550, message: "RCPT failed", isRetriable: true)
        #expect(!MailSender.isTransient(refused))
        let deferred = CurlError(code: .sendError, responseCode: 451, message: "RCPT failed", isRetriable: false)
        #expect(MailSender.isTransient(deferred))
        #expect(MailSender.isTransient(CurlError(code: .couldntConnect, message: "refused")))
        #expect(!MailSender.isTransient(CurlError(code: .loginDenied, responseCode: 334, message: "token refused")))
        #expect(MailSender.isAuthenticationRefusal(CurlError(code: .loginDenied, responseCode: 334, message: "token refused")))
        #expect(MailSender.isAuthenticationRefusal(CurlError(code: .remoteAccessDenied, responseCode: 535, message: "bad login")))
        #expect(!MailSender.isAuthenticationRefusal(refused))
    }

    @Test("a dead letter survives JSON and gives back the original record byte for byte")
    func deadLetterRoundTrip() throws {
        let json = """
            {"v":1,"topic":"p.mail.outbound","partition":2,"offset":41,"key":"tenant-1","value":"AAEC/w==",
             "headers":{"traceparent":"MDAtYWJj"},"error":"refused","reply":{"code":550,"text":"550 no"},
             "requestID":"evt-1","failedRecipients":["tok"],"at":"2026-11-29T08:00:00.000Z"}
            """
        let letter = try DeadLetter(json: Array(json.utf8))
        #expect(try DeadLetter(json: try letter.json()) == letter)
        let record = try letter.originalRecord(to: "p.mail.outbound")
        #expect(record.value == [0, 1, 2, 255])
        #expect(record.key == Array("tenant-1".utf8))
        #expect(record.headers == [KafkaHeader(key: "traceparent", value: Array("00-abc".utf8))])
        #expect(letter.reply == SMTPReply(code: 550, text: "550 no"))
        #expect(throws: DeliveryError.self) { try DeadLetter(json: Array(#"{"v":2}"#.utf8)) }
    }

    @Test("topic names carry the prefix; sealing purposes do not")
    func topicNames() {
        let topics = DeliveryTopics(prefix: "staging.")
        #expect(topics.outbound == "staging.mail.outbound")
        #expect(topics.sent == "staging.mail.sent")
        #expect(topics.deadLetter == "staging.mail.outbound.dlq")
        #expect(DeliveryTopics.outboundPurpose == "mail.outbound")
    }
}
