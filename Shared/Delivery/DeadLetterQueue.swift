import Foundation
import Kafka
import Logging
import Messaging
import Synchronization

/// The operator's view of `mail.outbound.dlq`: list and show dead letters without consuming them,
/// and replay one to `mail.outbound`.
public struct DeadLetterQueue: Sendable {
    /// A dead letter and where it is on the DLQ topic.
    public struct Entry: Sendable {
        public let partition: Int32
        public let offset: Int64
        public let letter: DeadLetter
    }

    private let brokers: String
    private let topics: DeliveryTopics
    private let logger: Logger

    public init(brokers: String, topics: DeliveryTopics, logger: Logger) {
        self.brokers = brokers
        self.topics = topics
        self.logger = logger
    }

    /// Every dead letter now on the topic (up to `limit`), oldest first per partition. Read by a
    /// throwaway consumer group that never commits, so nothing is consumed; reading ends when no
    /// record arrived for `idle`.
    /// - Parameter unreadable: called with the position of each record that is not a dead letter.
    public func list(limit: Int = 10_000, idle: Duration = .seconds(3), unreadable: (Int32, Int64, any Error) -> Void = { _, _, _ in }) async throws
        -> [Entry]
    {
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: brokers, groupID: "mailbridge-dlq-reader-\(UUID().uuidString.prefix(8).lowercased())")
        configuration.autoOffsetReset = "earliest"
        configuration.sessionTimeout = .seconds(6)
        let consumer = try KafkaConsumer(configuration: configuration, topics: [topics.deadLetter], logger: logger)
        let state = Mutex<(records: [KafkaConsumerMessage], last: ContinuousClock.Instant)>(([], .now))
        let reader = Task {
            for await message in consumer.messages {
                let count = state.withLock { state in
                    state.records.append(message)
                    state.last = .now
                    return state.records.count
                }
                if count >= limit { break }
            }
        }
        // The group join takes a few seconds before the first record: wait for it at least 3 × idle.
        let started = ContinuousClock.now
        while true {
            try await Task.sleep(for: .milliseconds(100))
            let (count, last) = state.withLock { ($0.records.count, $0.last) }
            if count >= limit { break }
            if count == 0 ? ContinuousClock.now - started > idle * 3 : ContinuousClock.now - last > idle { break }
        }
        reader.cancel()
        await consumer.close()
        var entries = [Entry]()
        for record in state.withLock({ $0.records }) {
            do {
                entries.append(Entry(partition: record.partition, offset: record.offset, letter: try DeadLetter(json: record.value)))
            } catch {
                unreadable(record.partition, record.offset, error)
            }
        }
        return entries.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
    }

    /// The dead letter at `offset` of `partition`, `nil` when there is none (or it is gone).
    public func show(partition: Int32, offset: Int64, idle: Duration = .seconds(3)) async throws -> Entry? {
        try await list(idle: idle).first { $0.partition == partition && $0.offset == offset }
    }

    /// Produces the original record of `letter` to `mail.outbound` again. With `force`, the
    /// request's `uncertain` recipients are first made sendable again through `releaseUncertain`
    /// (a recipient whose mail may already have arrived may then receive it twice).
    /// - Returns: how many uncertain recipients were released.
    @discardableResult
    public func replay(_ letter: DeadLetter, producer: KafkaProducer, ledger: DeliveryLedger?, force: Bool, deadline: Duration = .seconds(10))
        async throws -> Int
    {
        var released = 0
        if force {
            guard let ledger else { throw DeliveryError("a forced replay needs the database to release uncertain recipients") }
            guard let tenant = letter.key, let requestID = letter.requestID else {
                throw DeliveryError("dead letter \(letter.partition):\(letter.offset) names no request (unreadable record): nothing to force")
            }
            released = try await ledger.releaseUncertain(tenant: tenant, requestID: requestID)
        }
        let record = try letter.originalRecord(to: topics.outbound)
        do {
            _ = try await Deadline.run(within: deadline) { try await producer.send(record) }
        } catch {
            throw DeliveryError("replaying dead letter \(letter.partition):\(letter.offset) to \(topics.outbound) was not acknowledged: \(error)")
        }
        return released
    }
}
