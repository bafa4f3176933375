import ArgumentParser
import Foundation
import Kafka

/// `mailbridge kafka …`: topics and consumer-group offsets (how operators replay a topic).
struct KafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka", abstract: "Create topics, list groups, show and move a group's offsets.",
        subcommands: [CreateTopics.self, Groups.self, Offsets.self, ResetOffsets.self])

    struct Connection: ParsableArguments {
        @Option(help: "Bootstrap servers (default: MAILBRIDGE_KAFKA_BROKERS).")
        var brokers: String?

        func admin() throws -> KafkaAdmin {
            KafkaAdmin(
                configuration: KafkaClientConfiguration(bootstrapServers: try CommandEnvironment.kafkaBrokers(brokers)),
                logger: CommandEnvironment.logger)
        }
    }

    struct CreateTopics: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-topics", abstract: "Create every Mailbridge topic and its dead-letter topic.")
        @OptionGroup var connection: Connection
        @Option(help: "Topic name prefix, e.g. 'staging.'.") var prefix: String = ""
        @Option(help: "Partitions per topic.") var partitions: Int32 = 6
        @Option(help: "Replication factor (3 in production).") var replicationFactor: Int32 = 1

        func run() async throws {
            let topics = TopicCatalogue.specifications(prefix: prefix, partitions: partitions, replicationFactor: replicationFactor)
            try await connection.admin().createTopics(topics, ifNotExists: true)
            for topic in topics { print("\(topic.name)\tpartitions=\(topic.partitions)\tretention.ms=\(topic.settings["retention.ms"] ?? "-")") }
        }
    }

    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "groups", abstract: "List consumer groups.")
        @OptionGroup var connection: Connection

        func run() async throws {
            for group in try await connection.admin().listGroups() { print(group) }
        }
    }

    struct Offsets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "offsets", abstract: "Show a group's committed offsets for a topic.")
        @OptionGroup var connection: Connection
        @Option(help: "Consumer group.") var group: String
        @Option(help: "Topic.") var topic: String

        func run() async throws {
            let offsets = try await connection.admin().committedOffsets(group: group, topic: topic)
            for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) { print("\(topic)[\(partition)]\t\(offset)") }
        }
    }

    struct ResetOffsets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-offsets",
            abstract: "Move a stopped group's offsets to replay (or skip) a topic.",
            discussion: "Stop every consumer of the group first: the broker refuses commits for a group with live members.")
        @OptionGroup var connection: Connection
        @Option(help: "Consumer group.") var group: String
        @Option(help: "Topic.") var topic: String
        @Option(help: "Replay from this time (ISO 8601, e.g. 2026-11-28T09:00:00Z).") var toTimestamp: String?
        @Option(help: "Move every partition to this offset.") var toOffset: Int64?
        @Flag(help: "Replay everything retained.") var toEarliest = false
        @Flag(help: "Skip everything now in the topic.") var toLatest = false

        func validate() throws {
            let chosen = [toTimestamp != nil, toOffset != nil, toEarliest, toLatest].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("choose exactly one of --to-timestamp, --to-offset, --to-earliest, --to-latest") }
            if let toTimestamp, (try? Date(toTimestamp, strategy: .iso8601)) == nil {
                throw ValidationError("--to-timestamp must be ISO 8601 like 2026-11-28T09:00:00Z, got \(toTimestamp)")
            }
        }

        func run() async throws {
            let target: KafkaOffsetReset =
                if let toTimestamp { .timestamp(try Date(toTimestamp, strategy: .iso8601)) }
                else if let toOffset { .offset(toOffset) }
                else if toEarliest { .earliest }
                else { .latest }
            let offsets = try await connection.admin().resetOffsets(group: group, topic: topic, to: target)
            for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) { print("\(topic)[\(partition)]\t\(offset)") }
        }
    }
}
