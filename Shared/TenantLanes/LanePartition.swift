/// An ordered source of work items, such as one Kafka topic partition. Lanes track, per source,
/// which offsets are done so that a consumer commits only a contiguous prefix.
public struct LanePartition: Hashable, Sendable, CustomStringConvertible {
    public let topic: String
    public let partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}
