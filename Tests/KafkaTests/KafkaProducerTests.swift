import Foundation
import Kafka
import Synchronization
import Testing

@Suite("Kafka producer and admin", .serialized)
struct KafkaProducerTests {
    @Test("send returns after the broker acknowledged, with partition and offset")
    func sendReturnsDeliveryReport() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 1)
        let producer = try broker.producer()
        var offsets = [Int64]()
        for index in 0..<5 {
            let report = try await producer.send(KafkaProducerMessage(topic: topic, key: "tenant-a".bytes, value: "m\(index)".bytes))
            #expect(report.topic == topic)
            #expect(report.partition == 0)
            offsets.append(report.offset)
        }
        #expect(offsets == [0, 1, 2, 3, 4])
        await producer.shutdown()
    }

    @Test("a batch send reports every record, in order, with per-key order kept")
    func batchSend() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 3)
        let producer = try broker.producer()
        let messages = (0..<300).map { KafkaProducerMessage(topic: topic, key: "tenant-\($0 % 3)".bytes, value: "\($0)".bytes) }
        let results = await producer.send(contentsOf: messages)
        #expect(results.count == 300)
        let reports = try results.map { try $0.get() }
        // Records of one key share a partition and get increasing offsets in submission order.
        for tenant in 0..<3 {
            let ofTenant = stride(from: tenant, to: 300, by: 3).map { reports[$0] }
            #expect(Set(ofTenant.map(\.partition)).count == 1)
            #expect(ofTenant.map(\.offset) == ofTenant.map(\.offset).sorted())
        }
        #expect(Set(reports.map { "\($0.partition)-\($0.offset)" }).count == 300)
        await producer.shutdown()
        // After shutdown, every record of a batch fails clearly instead of hanging.
        let late = await producer.send(contentsOf: Array(messages.prefix(2)))
        #expect(late.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    @Test("keys, values and headers survive the round trip")
    func roundTrip() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 2)
        let producer = try broker.producer()
        let headers = [KafkaHeader(key: "traceparent", value: "00-abc-def-01".bytes), KafkaHeader(key: "empty", value: nil)]
        try await producer.send(KafkaProducerMessage(topic: topic, key: "tenant-b".bytes, value: [0, 1, 2, 255], headers: headers))
        await producer.shutdown()

        let consumer = try KafkaConsumer(
            configuration: broker.consumerConfiguration(group: "roundtrip-\(topic)"), topics: [topic], logger: broker.logger)
        var iterator = consumer.messages.makeAsyncIterator()
        let message = try #require(await iterator.next())
        #expect(message.keyString == "tenant-b")
        #expect(message.value == [0, 1, 2, 255])
        #expect(message.headers == headers)
        #expect(message.timestampMilliseconds != nil)
        await consumer.close()
    }

    @Test("a record for one key always lands on the same partition")
    func keyedPartitioning() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 4)
        let producer = try broker.producer()
        var partitions = Set<Int32>()
        for index in 0..<20 {
            partitions.insert(try await producer.send(KafkaProducerMessage(topic: topic, key: "tenant-c".bytes, value: "\(index)".bytes)).partition)
        }
        #expect(partitions.count == 1)
        await producer.shutdown()
    }

    @Test("a send after shutdown fails clearly instead of touching a destroyed client")
    func sendAfterShutdown() async throws {
        let broker = try KafkaTestBroker()
        let producer = try broker.producer()
        await producer.shutdown()
        await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: "any", key: nil, value: []))
        }
    }

    @Test("the callback send reports each acknowledgement once; after shutdown it fails at once, on the caller's thread")
    func callbackSend() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 1)
        let producer = try broker.producer()
        let (reports, reported) = AsyncStream<Result<KafkaDeliveryReport, KafkaError>>.makeStream()
        for index in 0..<3 {
            producer.send(KafkaProducerMessage(topic: topic, key: "tenant-d".bytes, value: "\(index)".bytes)) { reported.yield($0) }
        }
        var offsets = [Int64]()
        for await result in reports {
            offsets.append(try result.get().offset)
            if offsets.count == 3 { break }
        }
        #expect(offsets == [0, 1, 2])
        await producer.shutdown()
        let late = Mutex<[Result<KafkaDeliveryReport, KafkaError>]>([])
        producer.send(KafkaProducerMessage(topic: topic, key: nil, value: [])) { result in late.withLock { $0.append(result) } }
        let results = late.withLock { $0 }
        #expect(results.count == 1)
        #expect(results.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    @Test("an unknown setting is rejected with the key named")
    func invalidSetting() throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1")
        configuration.client.additional["no.such.setting"] = "1"
        #expect {
            _ = try KafkaProducer(configuration: configuration, logger: .init(label: "test"))
        } throws: { error in
            (error as? KafkaError)?.message.contains("no.such.setting") == true
        }
    }

    @Test("a broker that cannot be reached fails the send as retriable after the message timeout")
    func unreachableBroker() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:9")
        configuration.messageTimeout = .seconds(2)
        let producer = try KafkaProducer(configuration: configuration, logger: .init(label: "test"))
        do {
            try await producer.send(KafkaProducerMessage(topic: "nowhere", key: nil, value: "x".bytes))
            Issue.record("send to an unreachable broker succeeded")
        } catch let error as KafkaError {
            #expect(error.isRetriable)
        }
        await producer.shutdown()
    }

    @Test("created topics exist with their partitions; creating again is not an error")
    func createTopics() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 3)
        #expect(try await broker.admin.partitionCount(of: topic) == 3)
        try await broker.admin.createTopics([KafkaTopicSpecification(name: topic, partitions: 3)], ifNotExists: true)
        await #expect(throws: KafkaError.self) {
            try await broker.admin.createTopics([KafkaTopicSpecification(name: topic, partitions: 3)], ifNotExists: false)
        }
    }
}
