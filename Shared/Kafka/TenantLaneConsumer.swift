import Logging
import Synchronization
import ServiceLifecycle
import TenantLanes

/// Consumes topics in a group and runs each message in its tenant's lane (the record key is the
/// tenant id), committing only offsets whose messages and every earlier one are done.
///
/// This is the shape of every Mailbridge consumer: at-least-once, ordered per tenant,
/// concurrent across tenants, and fair. A message whose handler fails must be dead-lettered by
/// the handler itself; the lane marks it done when the handler returns.
public final class TenantLaneConsumer: Service, Sendable {
    /// Handles one message. Must be idempotent: after a crash or rebalance it may run again.
    public typealias Handler = @Sendable (KafkaConsumerMessage) async -> Void

    private let consumer: KafkaConsumer
    private let lanes: TenantLanes
    private let handler: Handler
    private let commitInterval: Duration
    private let drainTimeout: Duration
    private let logger: Logger

    /// - Parameters:
    ///   - maximumConcurrentLanes: messages processed at once, all tenants together.
    ///   - maximumConcurrentPerTenant: messages of one tenant processed at once (1: one after
    ///     another, in order; more: started in order, finishing in any order).
    ///   - commitInterval: how often finished offsets are committed.
    ///   - drainTimeout: on shutdown, how long running and queued work may take to finish
    ///     before the rest is left for the next owner.
    public init(
        configuration: KafkaConsumerConfiguration, topics: [String], maximumConcurrentLanes: Int,
        maximumConcurrentPerTenant: Int = 1, maximumQueuedMessages: Int = 10_000, commitInterval: Duration = .milliseconds(200),
        drainTimeout: Duration = .seconds(10), logger: Logger, handler: @escaping Handler
    ) throws {
        let lanes = TenantLanes(
            maximumConcurrentLanes: maximumConcurrentLanes, maximumConcurrentPerTenant: maximumConcurrentPerTenant,
            maximumQueuedItems: maximumQueuedMessages)
        self.lanes = lanes
        self.handler = handler
        self.commitInterval = commitInterval
        self.drainTimeout = drainTimeout
        self.logger = logger
        self.consumer = try KafkaConsumer(configuration: configuration, topics: topics, logger: logger) { revoked in
            // Commit what is done for the revoked partitions, abandon the rest uncommitted.
            let done = await lanes.committableOffsets()
            var offsets = [KafkaTopicPartition: Int64]()
            for partition in revoked {
                offsets[partition] = done[partition]
                await lanes.abandon(partition)
            }
            return offsets
        }
    }

    /// The partitions this member owns now.
    public var assignment: Set<KafkaTopicPartition> { consumer.assignment }

    /// Reads, dispatches and commits until shutdown; then drains, commits and leaves the group.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.lanes.run() }
            group.addTask { await self.commitPeriodically() }
            await cancelWhenGracefulShutdown {
                for await message in self.consumer.messages {
                    let handler = self.handler
                    await self.lanes.submit(
                        tenant: message.keyString ?? "",
                        partition: message.topicPartition,
                        offset: message.offset
                    ) { await handler(message) }
                }
            }
            await self.drain()
            await self.consumer.close()
            group.cancelAll()
        }
    }

    private func drain() async {
        let deadline = ContinuousClock.now + drainTimeout
        while await lanes.pendingCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        await commitFinished()
    }

    private func commitPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: commitInterval)
            await commitFinished()
        }
    }

    /// The offsets this member committed last, so unchanged ones are not committed again.
    private let lastCommitted = Mutex<[KafkaTopicPartition: Int64]>([:])

    private func commitFinished() async {
        let offsets = await lanes.committableOffsets()
        let changed = lastCommitted.withLock { last in offsets.filter { last[$0.key] != $0.value } }
        guard !changed.isEmpty else { return }
        do {
            try await consumer.commit(changed)
            lastCommitted.withLock { last in last.merge(changed) { _, new in new } }
        } catch {
            logger.warning("commit failed; it is retried with the next batch", metadata: ["error": "\(error)"])
        }
    }
}
