import CRdKafka
import Foundation
import Logging

/// A topic to create.
public struct KafkaTopicSpecification: Sendable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Topic settings such as `retention.ms` or `cleanup.policy`.
    public var settings: [String: String]

    public init(name: String, partitions: Int32, replicationFactor: Int32 = 1, retention: Duration? = nil, settings: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.settings = settings
        if let retention { self.settings["retention.ms"] = String(retention.milliseconds) }
    }
}

/// Where to move a consumer group's committed offsets.
public enum KafkaOffsetReset: Sendable {
    /// The first record at or after this time, per partition (the end when there is none).
    case timestamp(Date)
    /// This offset on every partition.
    case offset(Int64)
    /// The oldest retained record.
    case earliest
    /// After the newest record: skip everything.
    case latest
}

/// Operator actions: create topics, list groups, move a group's offsets (how a topic is
/// replayed). Every blocking librdkafka call runs on a dedicated thread.
public struct KafkaAdmin: Sendable {
    private let configuration: KafkaClientConfiguration
    private let logger: Logger
    private let timeoutMilliseconds: Int32

    public init(configuration: KafkaClientConfiguration, logger: Logger, timeout: Duration = .seconds(15)) {
        self.configuration = configuration
        self.logger = logger
        self.timeoutMilliseconds = Int32(clamping: timeout.milliseconds)
    }

    /// Creates topics; with `ifNotExists`, an existing topic is not an error.
    /// - Throws: `KafkaError` naming the first topic that failed.
    public func createTopics(_ topics: [KafkaTopicSpecification], ifNotExists: Bool = true) async throws {
        try await withClient { handle, timeout in
            var errorText = [CChar](repeating: 0, count: 512)
            var newTopics = [OpaquePointer?]()
            defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
            for topic in topics {
                guard let newTopic = rd_kafka_NewTopic_new(topic.name, topic.partitions, topic.replicationFactor, &errorText, errorText.count) else {
                    throw KafkaError.client("topic \(topic.name): \(String(errorBuffer: errorText))")
                }
                newTopics.append(newTopic)
                for (key, value) in topic.settings.sorted(by: { $0.key < $1.key }) {
                    let result = rd_kafka_NewTopic_set_config(newTopic, key, value)
                    guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "topic \(topic.name) setting \(key)") }
                }
            }
            let queue = rd_kafka_queue_new(handle)
            defer { rd_kafka_queue_destroy(queue) }
            newTopics.withUnsafeMutableBufferPointer { buffer in
                rd_kafka_CreateTopics(handle, buffer.baseAddress, buffer.count, nil, queue)
            }
            guard let event = rd_kafka_queue_poll(queue, timeout) else {
                throw KafkaError.client("creating topics timed out", isRetriable: true)
            }
            defer { rd_kafka_event_destroy(event) }
            let eventError = rd_kafka_event_error(event)
            guard eventError == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(eventError, context: "create topics") }
            var count = 0
            let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            for index in 0..<count {
                let result = results![index]
                let error = rd_kafka_topic_result_error(result)
                if error == RD_KAFKA_RESP_ERR_NO_ERROR || (ifNotExists && error == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) { continue }
                let name = String(cString: rd_kafka_topic_result_name(result))
                let detail = rd_kafka_topic_result_error_string(result).map { String(cString: $0) } ?? ""
                throw KafkaError(error, context: "create topic \(name) \(detail)")
            }
        }
    }

    /// The number of partitions of `topic`.
    public func partitionCount(of topic: String) async throws -> Int32 {
        try await withClient { handle, timeout in try Self.partitions(of: topic, handle: handle, timeout: timeout) }
    }

    /// The consumer groups the cluster knows.
    public func listGroups() async throws -> [String] {
        try await withClient { handle, timeout in
            var list: UnsafePointer<rd_kafka_group_list>?
            let result = rd_kafka_list_groups(handle, nil, &list, timeout)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError(result, context: "list groups") }
            defer { rd_kafka_group_list_destroy(list) }
            return (0..<Int(list.pointee.group_cnt)).map { String(cString: list.pointee.groups[$0].group) }.sorted()
        }
    }

    /// The offsets `group` has committed for `topic`, by partition (absent: nothing committed).
    public func committedOffsets(group: String, topic: String) async throws -> [Int32: Int64] {
        try await withClient(group: group) { handle, timeout in
            let count = try Self.partitions(of: topic, handle: handle, timeout: timeout)
            let list = RDKafkaConversions.makeList(
                Dictionary(uniqueKeysWithValues: (0..<count).map { (KafkaTopicPartition(topic: topic, partition: $0), mb_rd_kafka_offset_invalid) }))
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let result = rd_kafka_committed(handle, list, timeout)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "read committed offsets of \(group)") }
            var offsets = [Int32: Int64]()
            for entry in RDKafkaConversions.entries(list) where entry.offset >= 0 {
                offsets[entry.topicPartition.partition] = entry.offset
            }
            return offsets
        }
    }

    /// Moves `group`'s committed offsets for every partition of `topic`, so its consumers
    /// re-read (or skip) from there. The group must have no running members: stop the service
    /// first, or the coordinator rejects the commit.
    /// - Returns: the offsets committed, by partition.
    @discardableResult
    public func resetOffsets(group: String, topic: String, to target: KafkaOffsetReset) async throws -> [Int32: Int64] {
        try await withClient(group: group) { handle, timeout in
            let count = try Self.partitions(of: topic, handle: handle, timeout: timeout)
            var offsets = [KafkaTopicPartition: Int64]()
            for partition in 0..<count {
                let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
                var low: Int64 = 0
                var high: Int64 = 0
                let result = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeout)
                guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "watermarks of \(topicPartition)") }
                switch target {
                case .earliest: offsets[topicPartition] = low
                case .latest: offsets[topicPartition] = high
                case .offset(let offset): offsets[topicPartition] = min(max(offset, low), high)
                case .timestamp(let date): offsets[topicPartition] = Int64(date.timeIntervalSince1970 * 1000)
                }
            }
            if case .timestamp = target {
                let list = RDKafkaConversions.makeList(offsets)
                defer { rd_kafka_topic_partition_list_destroy(list) }
                let result = rd_kafka_offsets_for_times(handle, list, timeout)
                guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "offsets for time on \(topic)") }
                for entry in RDKafkaConversions.entries(list) {
                    guard entry.error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(entry.error, context: "offset for time of \(entry.topicPartition)") }
                    // -1 means no record at or after the time: start after the last one.
                    if entry.offset >= 0 {
                        offsets[entry.topicPartition] = entry.offset
                    } else {
                        var low: Int64 = 0
                        var high: Int64 = 0
                        _ = rd_kafka_query_watermark_offsets(handle, topic, entry.topicPartition.partition, &low, &high, timeout)
                        offsets[entry.topicPartition] = high
                    }
                }
            }
            let list = RDKafkaConversions.makeList(offsets)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            let result = rd_kafka_commit(handle, list, 0)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, context: "commit offsets for \(group)") }
            if let failed = RDKafkaConversions.entries(list).first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
                throw KafkaError(failed.error, context: "commit offset of \(failed.topicPartition) for \(group)")
            }
            return Dictionary(uniqueKeysWithValues: offsets.map { ($0.key.partition, $0.value) })
        }
    }

    /// Runs `body` on a dedicated thread with a fresh client (a consumer of `group` when given,
    /// since only a group member's client can read or commit its offsets), destroyed afterwards.
    private func withClient<T: Sendable>(
        group: String? = nil, _ body: @escaping @Sendable (_ handle: OpaquePointer, _ timeoutMilliseconds: Int32) throws -> T
    ) async throws -> T {
        var settings = configuration.dictionary.merging(configuration.additional) { _, new in new }
        if let group {
            settings.merge(["group.id": group, "enable.auto.commit": "false", "enable.auto.offset.store": "false"]) { _, new in new }
        }
        let (logger, timeout) = (self.logger, timeoutMilliseconds)
        return try await DedicatedThread.run(name: "mailbridge.kafka.admin") { [settings] in
            let client = try RDKafkaClient(kind: group == nil ? .producer : .consumer, settings: settings, logger: logger)
            defer { client.destroy() }
            return try body(try client.handle(), timeout)
        }
    }

    private static func partitions(of topic: String, handle: OpaquePointer, timeout: Int32) throws -> Int32 {
        let topicHandle = rd_kafka_topic_new(handle, topic, nil)
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeout)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(result, context: "metadata of \(topic)") }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1 else { throw KafkaError.client("no metadata for topic \(topic)") }
        let topicMetadata = metadata.pointee.topics[0]
        guard topicMetadata.err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(topicMetadata.err, context: "topic \(topic)") }
        return topicMetadata.partition_cnt
    }
}
