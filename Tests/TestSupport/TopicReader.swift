import Kafka
import Logging
import Synchronization

/// Reads records a test expects on a topic, with a consumer group of its own.
public enum TopicReader {
    public struct TooFew: Error, CustomStringConvertible {
        public let topic: String
        public let got: Int
        public let expected: Int
        public var description: String { "\(topic): \(got) records, expected \(expected)" }
    }

    /// The first `count` records of `topic` (from the beginning), waiting up to `timeout`.
    /// - Throws: ``TooFew`` when fewer arrived in time.
    public static func records(brokers: String, topic: String, count: Int, timeout: Duration = .seconds(30)) async throws -> [KafkaConsumerMessage] {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: TestEnvironment.uniqueName("reader"))
        configuration.sessionTimeout = .seconds(6)
        configuration.maximumPollInterval = .seconds(15)
        var logger = Logger(label: "topic-reader")
        logger.logLevel = .critical
        let consumer = try KafkaConsumer(configuration: configuration, topics: [topic], logger: logger)
        let collected = Mutex<[KafkaConsumerMessage]>([])
        let reader = Task {
            for try await message in consumer.messages {
                let total = collected.withLock { list -> Int in
                    list.append(message)
                    return list.count
                }
                if total >= count { return }
            }
        }
        let deadline = ContinuousClock.now + timeout
        while collected.withLock({ $0.count }) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        await consumer.close()
        _ = try? await reader.value
        let result = collected.withLock { $0 }
        guard result.count >= count else { throw TooFew(topic: topic, got: result.count, expected: count) }
        return result
    }
}
