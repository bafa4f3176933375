import Encryption
import Foundation
import Kafka
import Mail
import Messaging
import ObjectStorage
import Postgres
import Testing
import TestSupport

@testable import Delivery

@Suite("Plan capacity: usage alerts")
struct UsageAlertTests {
    @Test("80 % is alerted exactly once under 20 concurrent reservers, then 100 % once")
    func onceUnderConcurrency() async throws {
        try await CapacityFixture.with(maximumConnections: 20) { fixture in
            try await withCapacityS3Store { store in
                try await fixture.setPlan(messages: 100, bytes: nil, thresholds: [80])
                try await fixture.contacts.add("billing@customer.example.test", kind: .billing, tenant: fixture.tenant)
                let gate = fixture.gate(alerts: fixture.alertMailer(store: store))
                let tenant = fixture.tenant
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<20 {
                        group.addTask { for _ in 0..<4 { _ = try await gate.reserve(tenant: tenant, messages: 1, bytes: 10) } }
                    }
                    try await group.waitForAll()
                }
                #expect(try await fixture.usage().messages == 80)
                let month = UsageMonth.of(Date())
                #expect(fixture.published.requests.map(\.requestID) == ["usage-alert.\(month).messages.80"])
                #expect(try await fixture.alertRows() == ["messages:80:true"])

                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<20 {
                        group.addTask { for _ in 0..<2 { _ = try await gate.reserve(tenant: tenant, messages: 1, bytes: 10) } }
                    }
                    try await group.waitForAll()
                }
                #expect(try await fixture.usage().messages == 100)
                #expect(fixture.published.requests.map(\.requestID) == ["usage-alert.\(month).messages.80", "usage-alert.\(month).messages.100"])
                #expect(try await fixture.alertRows() == ["messages:80:true", "messages:100:true"])
            }
        }
    }

    @Test("the alert mail is stored sealed in S3 and its request reaches mail.outbound on the broker")
    func storedSealedAndPublished() async throws {
        try await CapacityFixture.with { fixture in
            try await withCapacityS3Store { store in
                let brokers = try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS")
                let topic = TestEnvironment.uniqueName("capacity-outbound")
                try await KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: fixture.logger)
                    .createTopics([KafkaTopicSpecification(name: topic, partitions: 1)])
                let producer = try KafkaProducer(
                    configuration: KafkaProducerConfiguration(bootstrapServers: brokers), logger: fixture.logger, flushTimeout: .seconds(2))
                let publisher = EventPublisher(producer: producer, cipher: fixture.cipher, deadline: .seconds(20))
                do {
                    try await fixture.setPlan(messages: nil, bytes: 10_000, thresholds: [50, 80])
                    try await fixture.contacts.add("Billing@Customer.example.test", kind: .billing, tenant: fixture.tenant)
                    try await fixture.contacts.add("ops@customer.example.test", kind: .system, tenant: fixture.tenant)
                    let now = Date()
                    let gate = fixture.gate(
                        alerts: fixture.alertMailer(store: store, publish: publisher.outboundPublish(topic: topic)), now: { now })
                    // 0 → 85 % passes 50 and 80 at once: one mail, for the higher.
                    #expect(try await gate.reserve(tenant: fixture.tenant, messages: 1, bytes: 8500) == .granted)
                    #expect(try await fixture.alertRows() == ["bytes:50:true", "bytes:80:true"])

                    let records = try await capacityReadRecords(topic, count: 1)
                    let envelope = try EventEnvelope(json: records[0].value)
                    #expect(envelope.tenant == fixture.tenant)
                    #expect(envelope.type == "usage-alert")
                    let request = try TopicRecordCoding.decode(
                        OutboundMailRequest.self, from: try await envelope.openBody(with: fixture.cipher, purpose: "mail.outbound"))
                    let month = UsageMonth.of(now)
                    #expect(request.kind == .usageAlert)
                    #expect(request.requestID == "usage-alert.\(month).bytes.80")
                    #expect(request.recipients == ["billing@customer.example.test", "ops@customer.example.test"])
                    #expect(request.envelopeFrom == CapacityFixture.alertFrom.address)
                    #expect(request.subject == "Mailbridge: 80 % of this month's bytes used")
                    #expect(request.objectKey == "sent/\(fixture.tenant)/\(UsageMonth.dayPath(now))/usage-alert.\(month).bytes.80.eml")

                    let sealed = try await store.get(key: request.objectKey)
                    #expect(!String(decoding: sealed, as: UTF8.self).contains("Mailbridge: 80"))
                    let mail = try await fixture.cipher.open(sealed, tenant: fixture.tenant, purpose: OutboundMailRequest.objectPurpose)
                    #expect(mail.count == request.byteCount)
                    let text = String(decoding: mail, as: UTF8.self)
                    #expect(text.contains("Subject: Mailbridge: 80 % of this month's bytes used"))
                    #expect(text.contains("Message-ID: <\(request.messageID)>"))
                    #expect(text.contains("multipart/alternative"))
                    #expect(text.contains("text/html"))
                    // The contacts are in the envelope only: none sees the others' addresses.
                    #expect(text.contains("To: undisclosed-recipients:;\r\n"))
                    #expect(!text.lowercased().contains("billing@customer.example.test"))
                    #expect(!text.contains("ops@customer.example.test"))
                    #expect(text.contains("8.5 kB"))
                } catch {
                    await producer.shutdown()
                    throw error
                }
                await producer.shutdown()
            }
        }
    }

    @Test("without contacts nothing is published and the alert is not retried forever")
    func noContacts() async throws {
        try await CapacityFixture.with { fixture in
            try await withCapacityS3Store { store in
                try await fixture.setPlan(messages: 10, bytes: nil)
                let mailer = fixture.alertMailer(store: store)
                let gate = fixture.gate(alerts: mailer)
                #expect(try await gate.reserve(tenant: fixture.tenant, messages: 8, bytes: 1) == .granted)
                #expect(fixture.published.requests.isEmpty)
                #expect(try await fixture.alertRows() == ["messages:80:true"])
                #expect(try await store.allKeys().isEmpty)
                #expect(try await mailer.retryUnpublished(olderThan: .zero, tenant: fixture.tenant) == 0)
            }
        }
    }

    @Test("an alert whose publication failed keeps the reservation, stays unpublished and is retried with the same request id")
    func failedPublicationIsRetried() async throws {
        try await CapacityFixture.with { fixture in
            try await withCapacityS3Store { store in
                try await fixture.setPlan(messages: 10, bytes: nil)
                try await fixture.contacts.add("ops@customer.example.test", kind: .system, tenant: fixture.tenant)
                let mailer = fixture.alertMailer(store: store)
                let gate = fixture.gate(alerts: mailer)
                fixture.published.setFailing(true)
                #expect(try await gate.reserve(tenant: fixture.tenant, messages: 8, bytes: 1) == .granted)
                #expect(try await fixture.alertRows() == ["messages:80:false"])
                await #expect(throws: DeliveryError.self) { try await mailer.retryUnpublished(olderThan: .zero, tenant: fixture.tenant) }
                #expect(try await fixture.alertRows() == ["messages:80:false"])
                fixture.published.setFailing(false)
                #expect(try await mailer.retryUnpublished(olderThan: .seconds(3600), tenant: fixture.tenant) == 0)
                #expect(try await mailer.retryUnpublished(olderThan: .zero, tenant: fixture.tenant) == 1)
                #expect(fixture.published.requests.map(\.requestID) == ["usage-alert.\(UsageMonth.of(Date())).messages.80"])
                #expect(try await fixture.alertRows() == ["messages:80:true"])
            }
        }
    }
}
