import ArgumentParser
import Kafka

/// Creates a topic, so a baseline tool that cannot (kcat) gets the same layout as
/// `kafka-produce`.
struct KafkaCreateTopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-create-topic",
        abstract: "Create a topic (for baselines such as kcat, which cannot)."
    )

    @Option(help: "Bootstrap servers, host:port.")
    var brokers: String

    @Option(help: "Topic name.")
    var topic: String

    @Option(help: "Partitions.")
    var partitions: Int32 = 3

    func run() async throws {
        let admin = KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: BenchLogger.make("mailbridge.bench.kafka"))
        try await admin.createTopics([KafkaTopicSpecification(name: topic, partitions: partitions)], ifNotExists: false)
        let created = try await admin.partitionCount(of: topic)
        print("created topic \(topic) with \(created) partitions")
    }
}
