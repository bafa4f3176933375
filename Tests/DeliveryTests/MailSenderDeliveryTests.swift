import Curl
import Foundation
import Kafka
import Messaging
import Postgres
import Testing
import TestSupport

@testable import Delivery

@Suite("MailSender delivers mail.outbound to SMTP once per recipient", .serialized)
struct MailSenderDeliveryTests {
    @Test("a request reaches each recipient with the exact bytes; a replay sends nothing new")
    func deliversOnceAndReplaysIdempotently() async throws {
        let mail = try StackMail()
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(mail.passwordConnection(tenant: fixture.tenant))
            let first = uniqueRecipient("e2e-a")
            let second = uniqueRecipient("e2e-b")
            let (request, bytes) = try await fixture.makeRequest(recipients: [first, second], label: "e2e")
            let sender = fixture.makeSender(caFile: mail.caFile)
            try await fixture.running(sender) {
                let envelope = try await fixture.produce(request)
                let delivered = try await eventually {
                    try await fixture.ledgerRows(request).values.filter { $0 == .sent }.count == 2
                }
                #expect(delivered)
                for recipient in [first, second] {
                    let messages = try await mail.messages(deliveredTo: recipient)
                    #expect(messages.count == 1)
                    // The server puts Return-Path and Delivered-To in front; the rest is what we sent.
                    let received = try #require(messages.first)
                    #expect(Array(received.suffix(bytes.count)) == bytes)
                }
                // The replay, then a marker request: the lane is ordered, so once the marker is
                // sent the replay was handled.
                try await fixture.produce(request)
                let marker = uniqueRecipient("e2e-marker")
                let (markerRequest, _) = try await fixture.makeRequest(recipients: [marker], label: "marker")
                try await fixture.produce(markerRequest)
                #expect(try await eventually { try await fixture.status(markerRequest, marker) == .sent })
                for recipient in [first, second] {
                    #expect(try await mail.messages(deliveredTo: recipient).count == 1)
                }

                // One mail.sent event per delivered recipient, sealed for the tenant.
                let sent = try await fixture.records(on: fixture.topics.sent, count: 3)
                #expect(sent.count == 3)
                var announced = Set<String>()
                for record in sent {
                    let event = try TopicRecordCoding.decode(
                        MailSentEvent.self,
                        from: try await EventEnvelope(json: record.value).openBody(with: fixture.cipher, purpose: DeliveryTopics.sentPurpose))
                    #expect(event.replyCode == 250)
                    announced.insert(event.recipient)
                }
                #expect(announced == [first, second, marker])
                #expect(envelope.tenant == fixture.tenant)
            }
            let history = try await fixture.history(request)
            #expect(history.map(\.status) == [.sent, .sent])
            #expect(Set(history.flatMap(\.recipients)) == [first, second])
            #expect(history.allSatisfy { $0.subject == request.subject && $0.objectKey == request.objectKey && $0.reply?.code == 250 })
        }
    }

    @Test("outbound_history keeps recipients and subject sealed: neither is in the table in clear")
    func historyIsSealed() async throws {
        let mail = try StackMail()
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(mail.passwordConnection(tenant: fixture.tenant))
            let recipient = uniqueRecipient("sealed")
            let (request, _) = try await fixture.makeRequest(recipients: [recipient], label: "sealed")
            try await fixture.running(fixture.makeSender(caFile: mail.caFile)) {
                try await fixture.produce(request)
                #expect(try await eventually { try await fixture.status(request, recipient) == .sent })
            }
            // The whole rows as text (bytea as hex, and also as escaped text) hold neither value.
            let rows = try await fixture.pool.query(
                """
                SELECT row_to_json(h)::text, encode(sealed_subject, 'escape'), encode(sealed_recipients, 'escape')
                FROM outbound_history h WHERE tenant_id = \(fixture.tenant)
                """)
            #expect(rows.count == 1)
            let ledger = try await fixture.pool.query(
                "SELECT row_to_json(d)::text FROM outbound_deliveries d WHERE tenant_id = \(fixture.tenant)")
            for row in rows {
                for column in 0..<3 {
                    let text = try row.decode(column, as: String.self)
                    #expect(!text.contains(request.subject))
                    #expect(!text.contains(recipient))
                }
            }
            for row in ledger {
                #expect(!(try row.decode(0, as: String.self)).contains(recipient))
            }
            #expect(try await fixture.history(request).first?.subject == request.subject)
        }
    }

    @Test("the announcer keeps at most its limit in flight, produces every event once, and drains")
    func announcerBoundsAndDrains() async throws {
        try await SenderFixture.with { fixture in
            let announcer = MailSentAnnouncer(
                publisher: EventPublisher(producer: fixture.producer, cipher: fixture.cipher, deadline: .seconds(10)),
                topic: fixture.topics.sent, retry: RetryPolicy(maximumAttempts: 2, initialDelay: .milliseconds(50)), limit: 2,
                logger: fixture.logger)
            for index in 0..<6 {
                let event = MailSentEvent(
                    tenant: fixture.tenant, requestID: "evt-\(index)", messageID: "m\(index)@example.test", recipient: "r@example.test",
                    issueKey: nil, objectKey: "sent/x", replyCode: 250, sentAt: "2026-11-29T08:00:00.000Z")
                try await announcer.announce(event, id: "evt-\(index):token")
                #expect(announcer.inFlight <= 2)
            }
            #expect(await announcer.drain(timeout: .seconds(30)))
            #expect(announcer.inFlight == 0)
            let records = try await fixture.records(on: fixture.topics.sent, count: 6)
            let ids = try records.map { try EventEnvelope(json: $0.value).id }
            #expect(Set(ids) == Set((0..<6).map { "evt-\($0):token" }))
            #expect(ids.count == 6)
        }
    }
}
