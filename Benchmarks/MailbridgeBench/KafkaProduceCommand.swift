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

    @Option(help: "Records per send(contentsOf:) call; 0 sends one record per send(_:).")
    var batch: Int = 0

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

        report.say("kafka-produce: \(messages) records of \(size) B to \(topicName) (\(topic == nil ? "fresh, \(partitions) partitions" : "existing topic")), \(keys) keys, window \(inFlight)\(batch > 0 ? ", batches of \(batch)" : ""), acks=\(configuration.acks), idempotence=\(configuration.enableIdempotence), linger.ms=\(Int((configuration.linger.seconds * 1000).rounded()))\(settings.isEmpty ? "" : ", " + settings.joined(separator: ", "))")

        let value = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        let keyBytes: [[UInt8]?] = keys == 0 ? [nil] : (0..<keys).map { Array("tenant-\($0)".utf8) }
        let clock = ContinuousClock()
        logger.debug("sending")
        let start = clock.now
        let latencies: [Duration]
        do {
            let message = { (index: Int) in
                KafkaProducerMessage(topic: topicName, key: keyBytes[index % keyBytes.count], value: value)
            }
            latencies =
                batch > 0
                ? try await Self.produceBatches(count: messages, batch: batch, window: inFlight, producer: producer, clock: clock, message: message)
                : try await Self.produce(count: messages, window: inFlight, producer: producer, clock: clock, message: message)
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

    /// Sends `count` records in `send(contentsOf:)` batches of `batch`, with at most `window`
    /// records outstanding; returns each batch's latency once per record it carried.
    static func produceBatches(
        count: Int, batch: Int, window: Int, producer: KafkaProducer, clock: ContinuousClock,
        message: (Int) -> KafkaProducerMessage
    ) async throws -> [Duration] {
        struct BatchFailed: Error, CustomStringConvertible {
            let description: String
        }
        let batchesInFlight = max(1, window / batch)
        return try await withThrowingTaskGroup(of: (Duration, Int).self) { group in
            var latencies = [Duration]()
            latencies.reserveCapacity(count)
            var started = 0
            var first = 0
            while first < count {
                if started >= batchesInFlight, let (latency, size) = try await group.next() {
                    latencies.append(contentsOf: repeatElement(latency, count: size))
                }
                let records = (first..<min(first + batch, count)).map(message)
                let submitted = clock.now
                group.addTask {
                    let results = await producer.send(contentsOf: records)
                    if case .failure(let error)? = results.first(where: { if case .failure = $0 { true } else { false } }) {
                        throw BatchFailed(description: "\(error)")
                    }
                    return (submitted.duration(to: clock.now), records.count)
                }
                started += 1
                first += batch
            }
            while let (latency, size) = try await group.next() {
                latencies.append(contentsOf: repeatElement(latency, count: size))
            }
            return latencies
        }
    }
}
