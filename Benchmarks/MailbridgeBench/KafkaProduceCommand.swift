import ArgumentParser
import Foundation
import Kafka
import Logging

/// Produces `messages` records of `size` bytes through `KafkaProducer` with at most `in-flight`
/// sends outstanding, and measures messages and megabytes per second.
///
/// Every `send` returns only after the broker's acknowledgement (acks=all, idempotence on: the
/// producer's defaults), so the figure is acknowledged throughput, as a service sees it. The
/// window is a task group: one child task per record, a new one added each time one finishes.
struct KafkaProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-produce",
        abstract: "Acknowledged produce throughput of KafkaProducer with a sliding window of sends."
    )

    @Option(help: "Bootstrap servers, host:port.")
    var brokers: String

    @Option(help: "Records to produce.")
    var messages: Int = 50_000

    @Option(help: "Value size in bytes.")
    var size: Int = 1024

    @Option(name: .customLong("in-flight"), help: "Sends outstanding at once (the window).")
    var inFlight: Int = 1000

    @Option(help: "Partitions of the fresh topic.")
    var partitions: Int32 = 3

    @Option(help: "Produce to this existing topic instead of creating a fresh one.")
    var topic: String?

    @Option(help: "Distinct record keys (tenant-0 … tenant-(k-1)), used round-robin; 0 sends no key.")
    var keys: Int = 16

    @Option(name: .customLong("linger-ms"), help: "linger.ms (the producer's default is 5).")
    var lingerMilliseconds: Int?

    @Option(name: .customLong("set"), help: "Any other librdkafka setting, key=value (repeatable).")
    var settings: [String] = []

    @Option(name: .customLong("log-level"), help: "Log level on standard error (debug shows librdkafka's `debug=` output).")
    var logLevel: String = "warning"

    func validate() throws {
        guard messages > 0, size >= 0, inFlight > 0, partitions > 0, keys >= 0 else {
            throw ValidationError("--messages, --in-flight and --partitions must be positive; --size and --keys not negative")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for setting in settings where !setting.contains("=") {
            throw ValidationError("--set needs key=value, got \(setting)")
        }
    }

    func run() async throws {
        let logger = BenchLogger.make("mailbridge.bench.kafka", level: Logger.Level(rawValue: logLevel) ?? .warning)
        var report = BenchReport()

        let topicName: String
        if let topic {
            topicName = topic
        } else {
            topicName = "mailbridge-bench-produce-\(uniqueRunSuffix())"
            let admin = KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers), logger: logger)
            try await admin.createTopics([KafkaTopicSpecification(name: topicName, partitions: partitions)], ifNotExists: false)
        }

        var configuration = KafkaProducerConfiguration(bootstrapServers: brokers)
        configuration.client.clientID = "mailbridge-bench"
        if let lingerMilliseconds { configuration.linger = .milliseconds(lingerMilliseconds) }
        for setting in settings {
            let parts = setting.split(separator: "=", maxSplits: 1)
            configuration.client.additional[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let producer = try KafkaProducer(configuration: configuration, logger: logger)

        report.say("kafka-produce: \(messages) records of \(size) B to \(topicName) (\(topic == nil ? "fresh, \(partitions) partitions" : "existing topic")), \(keys) keys, window \(inFlight), acks=\(configuration.acks), idempotence=\(configuration.enableIdempotence), linger.ms=\(Int((configuration.linger.seconds * 1000).rounded()))\(settings.isEmpty ? "" : ", " + settings.joined(separator: ", "))")

        let value = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        let keyBytes: [[UInt8]?] = keys == 0 ? [nil] : (0..<keys).map { Array("tenant-\($0)".utf8) }
        let clock = ContinuousClock()
        logger.debug("sending")
        let start = clock.now
        let latencies: [Duration]
        do {
            latencies = try await Self.produce(
                count: messages, window: inFlight, producer: producer, clock: clock
            ) { index in
                KafkaProducerMessage(topic: topicName, key: keyBytes[index % keyBytes.count], value: value)
            }
        } catch {
            await producer.shutdown()
            throw error
        }
        let acknowledged = start.duration(to: clock.now)
        logger.debug("all records acknowledged; shutting the producer down")
        await producer.shutdown()
        let total = start.duration(to: clock.now)
        logger.debug("producer shut down")

        let messagesPerSecond = Double(messages) / acknowledged.seconds
        let megabytesPerSecond = Double(messages * size) / 1_000_000 / acknowledged.seconds
        let latency = LatencySummary(latencies)
        report.say(String(format: "  all acknowledged after %.3f s: %.0f msgs/s, %.1f MB/s", acknowledged.seconds, messagesPerSecond, megabytesPerSecond))
        report.say(String(format: "  with producer shutdown (flush, destroy): %.3f s", total.seconds))
        report.say(String(format: "  send-to-ack latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms", latency.p50.seconds * 1000, latency.p99.seconds * 1000, latency.maximum.seconds * 1000))

        report.record("kafka_produce_topic", topicName)
        report.record("kafka_produce_messages", messages)
        report.record("kafka_produce_size_bytes", size)
        report.record("kafka_produce_in_flight", inFlight)
        report.record("kafka_produce_seconds", acknowledged.seconds, digits: 3)
        report.record("kafka_produce_seconds_with_shutdown", total.seconds, digits: 3)
        report.record("kafka_produce_msgs_per_s", messagesPerSecond, digits: 0)
        report.record("kafka_produce_mb_per_s", megabytesPerSecond, digits: 2)
        report.record("kafka_produce_ack_p50_ms", latency.p50.seconds * 1000, digits: 2)
        report.record("kafka_produce_ack_p99_ms", latency.p99.seconds * 1000, digits: 2)
        report.printFigures()
    }

    /// Sends `count` records with at most `window` outstanding; returns each send's latency from
    /// the moment it was submitted to its acknowledgement.
    static func produce(
        count: Int, window: Int, producer: KafkaProducer, clock: ContinuousClock,
        message: (Int) -> KafkaProducerMessage
    ) async throws -> [Duration] {
        try await withThrowingTaskGroup(of: Duration.self) { group in
            var latencies = [Duration]()
            latencies.reserveCapacity(count)
            for index in 0..<count {
                if index >= window, let latency = try await group.next() {
                    latencies.append(latency)
                }
                let record = message(index)
                let submitted = clock.now
                group.addTask {
                    try await producer.send(record)
                    return submitted.duration(to: clock.now)
                }
            }
            while let latency = try await group.next() {
                latencies.append(latency)
            }
            return latencies
        }
    }
}
