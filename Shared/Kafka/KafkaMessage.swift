import TenantLanes

/// A header on a Kafka record.
public struct KafkaHeader: Sendable, Hashable {
    public var key: String
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}

/// A record to produce.
public struct KafkaProducerMessage: Sendable {
    public var topic: String
    /// The record key; Mailbridge keys by tenant so a tenant's records share a partition.
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// An explicit partition, or nil to let the partitioner choose by key.
    public var partition: Int32?

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
    }
}

/// Where a produced record landed.
public struct KafkaDeliveryReport: Sendable, Hashable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
}

/// A topic and partition. The same type the lanes track offsets by, so a consumer hands its
/// partitions to `TenantLanes` without conversion.
public typealias KafkaTopicPartition = LanePartition

/// A record read by a consumer.
public struct KafkaConsumerMessage: Sendable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]
    public let headers: [KafkaHeader]
    /// The record's timestamp in milliseconds since the epoch, when the broker gave one.
    public let timestampMilliseconds: Int64?

    /// A record as a consumer would read it (for handlers driven directly, as in tests and replays).
    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
    /// The key as UTF-8 text (tenant ids are text).
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
}
