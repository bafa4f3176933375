import CRdKafka
import Dispatch
import Synchronization

/// A consumer's partition ownership, changed only inside librdkafka's rebalance callback, which
/// runs on the consumer's poll thread during `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`.
final class KafkaRebalanceContext: Sendable {
    private let owned = Mutex<Set<KafkaTopicPartition>>([])
    private let isPaused = Mutex(false)
    let buffer: KafkaMessageBuffer
    let revocationTimeout: Duration
    let onRevoke: KafkaConsumer.RevocationHandler?

    init(buffer: KafkaMessageBuffer, revocationTimeout: Duration, onRevoke: KafkaConsumer.RevocationHandler?) {
        self.buffer = buffer
        self.revocationTimeout = revocationTimeout
        self.onRevoke = onRevoke
    }

    var assigned: Set<KafkaTopicPartition> { owned.withLock { $0 } }

    /// Assigns before returning, as librdkafka requires; new partitions inherit the pause state.
    func assign(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, handle: OpaquePointer) {
        let partitions = RDKafkaConversions.entries(list).map(\.topicPartition)
        if isCooperative(handle) {
            if let error = rd_kafka_incremental_assign(handle, list) { rd_kafka_error_destroy(error) }
        } else {
            rd_kafka_assign(handle, list)
        }
        owned.withLock { $0.formUnion(partitions) }
        if isPaused.withLock({ $0 }) { rd_kafka_pause_partitions(handle, list) }
    }

    /// Drops buffered messages of the revoked partitions, lets the application say what is
    /// done, commits that, then releases the partitions.
    func revoke(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, handle: OpaquePointer) {
        let partitions = RDKafkaConversions.entries(list).map(\.topicPartition)
        buffer.drop(Set(partitions))
        if let onRevoke {
            let offsets = waitForRevocationHandler(onRevoke, partitions)
            let revokedOffsets = offsets.filter { partitions.contains($0.key) }
            do {
                try commit(revokedOffsets, handle: handle)
            } catch {
                RDKafkaCallbackContext.from(handle)?.logger.warning(
                    "could not commit revoked partitions; their next owner reprocesses from the last commit",
                    metadata: ["error": "\(error)"])
            }
        }
        if isCooperative(handle) {
            if let error = rd_kafka_incremental_unassign(handle, list) { rd_kafka_error_destroy(error) }
        } else {
            rd_kafka_assign(handle, nil)
        }
        owned.withLock { $0.subtract(partitions) }
    }

    /// Commits offsets of owned partitions, synchronously. Poll thread only.
    func commit(_ offsets: [KafkaTopicPartition: Int64], handle: OpaquePointer) throws {
        let ownedNow = owned.withLock { $0 }
        let relevant = offsets.filter { ownedNow.contains($0.key) }
        guard !relevant.isEmpty else { return }
        let list = RDKafkaConversions.makeList(relevant)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let result = rd_kafka_commit(handle, list, 0)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(result, context: "commit offsets")
        }
        if let failed = RDKafkaConversions.entries(list).first(where: { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }) {
            throw KafkaError(failed.error, context: "commit offset of \(failed.topicPartition)")
        }
    }

    /// Pauses (or resumes) fetching for every owned partition. Poll thread only.
    func setPaused(_ paused: Bool, handle: OpaquePointer) {
        isPaused.withLock { $0 = paused }
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if paused { rd_kafka_pause_partitions(handle, list) } else { rd_kafka_resume_partitions(handle, list) }
    }

    private func isCooperative(_ handle: OpaquePointer) -> Bool {
        String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
    }

    /// Runs the async handler and blocks the poll thread (a dedicated thread) until it returns or
    /// the timeout passes; on timeout nothing is committed for the revoked partitions.
    private func waitForRevocationHandler(
        _ handler: @escaping KafkaConsumer.RevocationHandler, _ partitions: [KafkaTopicPartition]
    ) -> [KafkaTopicPartition: Int64] {
        let result = Mutex<[KafkaTopicPartition: Int64]?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = Task {
            let offsets = await handler(partitions)
            result.withLock { $0 = offsets }
            done.signal()
        }
        if done.wait(timeout: .now() + .milliseconds(Int(revocationTimeout.milliseconds))) == .timedOut {
            task.cancel()
            return [:]
        }
        return result.withLock { $0 } ?? [:]
    }
}

/// librdkafka's rebalance callback; runs on the consumer's poll thread.
func consumerRebalanceCallback(
    _ handle: OpaquePointer?, _ error: rd_kafka_resp_err_t,
    _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let partitions, let context = RDKafkaCallbackContext.from(handle)?.rebalance else { return }
    switch error {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        context.assign(partitions, handle: handle)
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        context.revoke(partitions, handle: handle)
    default:
        RDKafkaCallbackContext.from(handle)?.logger.error("Kafka rebalance failed", metadata: ["error": "\(KafkaError(error))"])
        rd_kafka_assign(handle, nil)
    }
}
