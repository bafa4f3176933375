import CRdKafka

/// Settings shared by producers, consumers and the admin client. Property names follow the
/// librdkafka keys they set; `additional` is the escape hatch for any other key.
public struct KafkaClientConfiguration: Sendable {
    /// `bootstrap.servers`: `host:port` pairs, comma-separated.
    public var bootstrapServers: String
    /// `client.id`, shown in broker logs.
    public var clientID: String = "mailbridge"
    /// `socket.timeout.ms`.
    public var socketTimeout: Duration = .seconds(30)
    /// Any other librdkafka key, applied last.
    public var additional: [String: String] = [:]

    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }

    var dictionary: [String: String] {
        var settings = [
            "bootstrap.servers": bootstrapServers,
            "client.id": clientID,
            "socket.timeout.ms": String(socketTimeout.milliseconds),
        ]
        if Self.linkedLibraryPushesMetrics {
            // librdkafka 2.8 otherwise stalls `rd_kafka_destroy` for 1 s in about a third of
            // exits while pushing client metrics (KIP-714); we export our own metrics.
            settings["enable.metrics.push"] = "false"
        }
        return settings
    }

    /// Whether the librdkafka this process runs with has client metrics push (KIP-714, 2.5.0):
    /// older ones, such as Debian 12's 2.0.2, refuse the `enable.metrics.push` key.
    static var linkedLibraryPushesMetrics: Bool { rd_kafka_version() >= 0x0205_0000 }
}

/// Producer settings. Defaults are the durable ones Mailbridge relies on: `acks=all` and
/// idempotence on, so a retried send never duplicates a record within the producer session.
public struct KafkaProducerConfiguration: Sendable {
    public var client: KafkaClientConfiguration
    /// `acks`: `all` waits for every in-sync replica.
    public var acks: String = "all"
    /// `enable.idempotence`.
    public var enableIdempotence: Bool = true
    /// `linger.ms`: how long to wait to batch records.
    public var linger: Duration = .milliseconds(5)
    /// `message.timeout.ms`: how long a record may take to be acknowledged before `send` fails.
    public var messageTimeout: Duration = .seconds(30)
    /// `queue.buffering.max.messages`.
    public var maximumQueuedMessages: Int = 100_000
    /// `compression.codec`.
    public var compression: String = "none"

    public init(bootstrapServers: String) {
        self.client = KafkaClientConfiguration(bootstrapServers: bootstrapServers)
    }

    var dictionary: [String: String] {
        client.dictionary.merging([
            "acks": acks,
            "enable.idempotence": String(enableIdempotence),
            "linger.ms": String(linger.milliseconds),
            "message.timeout.ms": String(messageTimeout.milliseconds),
            "queue.buffering.max.messages": String(maximumQueuedMessages),
            "compression.codec": compression,
        ]) { _, new in new }.merging(client.additional) { _, new in new }
    }
}

/// Consumer settings. Offsets are committed only by the application (`enable.auto.commit` and
/// `enable.auto.offset.store` are always off), after the effects of a message are durable.
public struct KafkaConsumerConfiguration: Sendable {
    public var client: KafkaClientConfiguration
    /// `group.id`.
    public var groupID: String
    /// `auto.offset.reset` for partitions with no committed offset: `earliest` or `latest`.
    public var autoOffsetReset: String = "earliest"
    /// `session.timeout.ms`: how long the group waits for a silent member.
    public var sessionTimeout: Duration = .seconds(10)
    /// `heartbeat.interval.ms`.
    public var heartbeatInterval: Duration = .seconds(1)
    /// `max.poll.interval.ms`.
    public var maximumPollInterval: Duration = .seconds(300)
    /// `partition.assignment.strategy`: `range,roundrobin` (eager) or `cooperative-sticky`.
    public var assignmentStrategy: String = "range,roundrobin"
    /// Messages read ahead of the application before the consumer pauses fetching.
    public var bufferedMessages: Int = 1_000
    /// `fetch.wait.max.ms`: how long the broker may hold a fetch that found nothing new. A broker
    /// that does not answer as soon as data arrives (tansu) adds up to this much to each hop of
    /// a quiet tenant's event, so it is short (librdkafka's default is 500 ms).
    public var fetchMaximumWait: Duration = .milliseconds(100)

    public init(bootstrapServers: String, groupID: String) {
        self.client = KafkaClientConfiguration(bootstrapServers: bootstrapServers)
        self.groupID = groupID
    }

    var dictionary: [String: String] {
        client.dictionary.merging([
            "group.id": groupID,
            "auto.offset.reset": autoOffsetReset,
            "session.timeout.ms": String(sessionTimeout.milliseconds),
            "heartbeat.interval.ms": String(heartbeatInterval.milliseconds),
            "max.poll.interval.ms": String(maximumPollInterval.milliseconds),
            "partition.assignment.strategy": assignmentStrategy,
            "fetch.wait.max.ms": String(fetchMaximumWait.milliseconds),
            "enable.partition.eof": "false",
        ]) { _, new in new }.merging(client.additional) { _, new in new }.merging([
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
        ]) { _, new in new }
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
