import DequeModule
import Synchronization

/// Messages the poll thread has read and the application has not yet taken.
///
/// One consumer task takes messages (`next()`); the poll thread pushes them. The poll thread
/// pauses fetching when `count` reaches the configured bound, which bounds memory.
final class KafkaMessageBuffer: Sendable {
    private struct State {
        var messages: Deque<KafkaConsumerMessage> = []
        var waiter: CheckedContinuation<KafkaConsumerMessage?, Never>?
        var isFinished = false
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.messages.count } }

    func push(_ message: KafkaConsumerMessage) {
        let waiter: CheckedContinuation<KafkaConsumerMessage?, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.messages.append(message)
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// Removes buffered messages of partitions the consumer no longer owns.
    func drop(_ partitions: Set<KafkaTopicPartition>) {
        state.withLock { state in state.messages.removeAll { partitions.contains($0.topicPartition) } }
    }

    /// Ends the sequence: `next()` returns the remaining messages, then nil.
    func finish() {
        let waiter = state.withLock { state in
            state.isFinished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next message, waiting for one; nil once finished or when the task is cancelled.
    func next() async -> KafkaConsumerMessage? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let immediate: KafkaConsumerMessage?? = state.withLock { state in
                    if let message = state.messages.popFirst() { return .some(message) }
                    if state.isFinished || Task.isCancelled { return .some(nil) }
                    precondition(state.waiter == nil, "a Kafka consumer's messages are read by one task at a time")
                    state.waiter = continuation
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }
}

/// The messages of a consumer, in the order each partition delivers them.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage
    let buffer: KafkaMessageBuffer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: KafkaMessageBuffer
        public mutating func next() async -> KafkaConsumerMessage? { await buffer.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}
