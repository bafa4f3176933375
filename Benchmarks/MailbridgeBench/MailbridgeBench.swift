import ArgumentParser

/// `mailbridge-bench`: throughput benchmarks of the Kafka and Postgres wrappers against real
/// servers (the local stack, `ops/stack/up.sh`). Each subcommand prints human-readable figures,
/// then its results as final `name=value` lines for scripts (`ops/bench/`).
@main
struct MailbridgeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbridge-bench",
        abstract: "Throughput benchmarks of Mailbridge's Kafka producer and Postgres pool.",
        discussion: "Build in release mode: swift build -c release --scratch-path .build-bench --product mailbridge-bench",
        subcommands: [KafkaProduceCommand.self, KafkaCreateTopicCommand.self, PostgresInsertCommand.self, ObjectStoreBenchCommand.self, SealBenchCommand.self, MimeParseCommand.self]
    )
}
