import Foundation
import Kafka
import Logging
import Synchronization
import TestSupport

/// The broker the local stack started, and helpers to make unique topics and groups on it.
struct KafkaTestBroker {
    let bootstrapServers: String
    let logger: Logger

    init() throws {
        bootstrapServers = try TestEnvironment.require("MAILBRIDGE_TEST_KAFKA_BROKERS")
        var logger = Logger(label: "kafka-tests")
        logger.logLevel = .warning
        self.logger = logger
    }

    var admin: KafkaAdmin { KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: bootstrapServers), logger: logger) }

    /// A new topic with `partitions` partitions.
    func makeTopic(partitions: Int32) async throws -> String {
        let name = TestEnvironment.uniqueName("test-topic")
        try await admin.createTopics([KafkaTopicSpecification(name: name, partitions: partitions)])
        return name
    }

    func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers), logger: logger)
    }

    /// Consumer settings for a group of its own (tansu can wedge a group shared by tests).
    func consumerConfiguration(group: String) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: group)
        configuration.sessionTimeout = .seconds(6)
        // The rebalance timeout: how long the broker waits for known members to rejoin. The
        // default (300 s) would let one stale member stall a test's group for minutes.
        configuration.maximumPollInterval = .seconds(15)
        return configuration
    }
}

/// Collects what consumers saw, across tasks.
final class Received: Sendable {
    private let values = Mutex<[String]>([])
    func append(_ value: String) { values.withLock { $0.append(value) } }
    var all: [String] { values.withLock { $0 } }
    var count: Int { values.withLock { $0.count } }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
