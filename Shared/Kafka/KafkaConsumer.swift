import CRdKafka
import Dispatch
import Logging
import ServiceLifecycle
import Synchronization

/// A member of a consumer group that hands messages to the application and commits only the
/// offsets the application says are done.
///
/// - Messages arrive through `messages`, read by one task.
/// - Offsets are never committed automatically: call `commit(_:)` with the next offset to read
///   per partition, once every effect of the earlier messages is durable.
/// - On a rebalance that takes partitions away, `onRevoke` is awaited (bounded by
///   `revocationTimeout`) on the poll thread before the partitions are released. It returns the
///   offsets that are safe to commit for them; in-flight work beyond those is abandoned, never
///   committed, and the next owner reprocesses it. `onRevoke` must not call this consumer.
/// - As a `Service`, `run()` waits for shutdown, then closes the consumer: it leaves the group
///   (so partitions move at once instead of after the session timeout) and destroys the client.
///
/// All blocking librdkafka calls run on the consumer's dedicated poll thread.
public final class KafkaConsumer: Service, Sendable {
    /// Returns the offsets to commit for revoked partitions (next offset to read).
    public typealias RevocationHandler = @Sendable (_ revoked: [KafkaTopicPartition]) async -> [KafkaTopicPartition: Int64]

    private let client: RDKafkaClient
    private let rebalance: KafkaRebalanceContext
    private let buffer: KafkaMessageBuffer
    private let commits = Mutex<[PendingCommit]>([])
    private let stop = StopFlag()
    /// Keeps the client alive for calls made from other threads (the wake-up in `commit`).
    private let gate = CallGate()
    private let pollLoop = Mutex<Task<Void, Never>?>(nil)
    private let logger: Logger
    private let bufferedMessages: Int

    private struct PendingCommit {
        let offsets: [KafkaTopicPartition: Int64]
        let continuation: CheckedContinuation<Void, any Error>
    }

    /// Joins `configuration.groupID`, subscribes to `topics` and starts polling.
    public init(
        configuration: KafkaConsumerConfiguration, topics: [String], logger: Logger,
        revocationTimeout: Duration = .seconds(10), onRevoke: RevocationHandler? = nil
    ) throws {
        self.logger = logger
        self.bufferedMessages = max(1, configuration.bufferedMessages)
        let buffer = KafkaMessageBuffer()
        self.buffer = buffer
        self.rebalance = KafkaRebalanceContext(buffer: buffer, revocationTimeout: revocationTimeout, onRevoke: onRevoke)
        self.client = try RDKafkaClient(kind: .consumer, settings: configuration.dictionary, logger: logger, rebalance: rebalance) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, consumerRebalanceCallback)
        }
        let handle = try client.handle()
        rd_kafka_poll_set_consumer(handle)
        let subscription = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(subscription) }
        for topic in topics { rd_kafka_topic_partition_list_add(subscription, topic, -1) }
        let result = rd_kafka_subscribe(handle, subscription)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            client.destroy()
            throw KafkaError(result, context: "subscribe to \(topics.joined(separator: ","))")
        }
        startPolling()
    }

    /// The messages, in partition order. Read by one task at a time; ends after `close()`.
    public var messages: KafkaConsumerMessages { KafkaConsumerMessages(buffer: buffer) }

    /// The partitions this member owns now.
    public var assignment: Set<KafkaTopicPartition> { rebalance.assigned }

    /// Commits `offsets` (the next offset to read, per partition) synchronously with the group
    /// coordinator. Partitions this member no longer owns are skipped: their new owner decides.
    /// - Throws: `KafkaError` when the broker refused the commit or the consumer is closed.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        guard !offsets.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let accepted = commits.withLock { pending in
                guard !stop.isRaised else { return false }
                pending.append(PendingCommit(offsets: offsets, continuation: continuation))
                return true
            }
            if accepted {
                guard gate.enter() else { return }  // closing: the poll thread runs or fails the commit
                defer { gate.leave() }
                if let handle = try? client.handle(), let queue = rd_kafka_queue_get_consumer(handle) {
                    // Wake the poll thread so the commit does not wait for the poll timeout.
                    rd_kafka_queue_yield(queue)
                    rd_kafka_queue_destroy(queue)
                }
            } else {
                continuation.resume(throwing: KafkaError.client("the consumer is closed"))
            }
        }
    }

    /// Waits for shutdown, then closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Leaves the group (running `onRevoke` for the owned partitions), destroys the client and
    /// ends `messages`. Safe to call more than once.
    public func close() async {
        commits.withLock { _ in stop.raise() }
        let task = pollLoop.withLock { $0 }
        await task?.value
    }

    private func startPolling() {
        let client = client
        let buffer = buffer
        let rebalance = rebalance
        let limit = bufferedMessages
        let task = DedicatedThread.start(name: "mailbridge.kafka.consumer") { [stop, gate, logger] in
            guard let handle = try? client.handle() else { return }
            var paused = false
            while !stop.isRaised {
                self.performPendingCommits(handle)
                let full = buffer.count >= limit
                if full != paused {
                    rebalance.setPaused(full, handle: handle)
                    paused = full
                }
                guard let message = rd_kafka_consumer_poll(handle, 100) else { continue }
                let error = message.pointee.err
                if error == RD_KAFKA_RESP_ERR_NO_ERROR {
                    buffer.push(RDKafkaConversions.message(message))
                } else if error != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    logger.warning("Kafka consumer error", metadata: ["error": "\(KafkaError(error))"])
                }
                rd_kafka_message_destroy(message)
            }
            self.performPendingCommits(handle)
            // Leave the group: runs the revoke callback (and so onRevoke) for owned partitions.
            let closeResult = rd_kafka_consumer_close(handle)
            if closeResult != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("Kafka consumer close reported an error", metadata: ["error": "\(KafkaError(closeResult))"])
            }
            gate.close()
            client.destroy()
            buffer.finish()
        }
        pollLoop.withLock { $0 = task }
    }

    /// Runs queued commits on the poll thread (which owns blocking calls).
    private func performPendingCommits(_ handle: OpaquePointer) {
        let pending = commits.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        for commit in pending {
            commit.continuation.resume(with: Result { try rebalance.commit(commit.offsets, handle: handle) })
        }
    }
}
