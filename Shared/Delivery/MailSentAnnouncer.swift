import Logging
import Messaging
import ServiceLifecycle
import Synchronization

/// Produces `mail.sent` events off the tenant's lane: the lane goes on to its next mail while the
/// broker acknowledges, which otherwise dominates a send (tens to hundreds of milliseconds on a
/// busy broker against a few for the rest). At most `limit` events are in flight; beyond that
/// `announce` waits (back-pressure).
///
/// As a `Service` placed after the producer and before the consumer, it waits at shutdown
/// (after the consumer drained) until the events in flight are acknowledged or `drainTimeout`
/// passes. An event is lost only if the process dies, or the broker refuses it through every
/// retry, while it is in flight; `outbound_history` is the audit of record.
public final class MailSentAnnouncer: Service, Sendable {
    private struct State {
        var inFlight = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let publisher: EventPublisher
    private let topic: String
    private let retry: RetryPolicy
    private let limit: Int
    private let drainTimeout: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(publisher: EventPublisher, topic: String, retry: RetryPolicy, limit: Int = 1000, drainTimeout: Duration = .seconds(10), logger: Logger) {
        self.publisher = publisher
        self.topic = topic
        self.retry = retry
        self.limit = max(1, limit)
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    /// Events handed over and not yet acknowledged (or given up).
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// Starts producing one event; returns once it is in flight.
    func announce(_ event: MailSentEvent, id: String) async throws {
        let body = try TopicRecordCoding.encode(event)
        await acquire()
        let publisher = self.publisher
        let topic = self.topic
        Task {
            defer { self.release() }
            var attempt = 1
            while true {
                do {
                    try await publisher.publish(
                        topic: topic, purpose: DeliveryTopics.sentPurpose, tenant: event.tenant, type: MailSentEvent.type, id: id, body: body)
                    return
                } catch {
                    guard attempt < retry.maximumAttempts else {
                        logger.error(
                            "a mail.sent event was not produced; the delivery is in outbound_history",
                            metadata: ["tenant": "\(event.tenant)", "request": "\(event.requestID)", "error": "\(error)"])
                        return
                    }
                    try? await Task.sleep(for: retry.delay(after: attempt))
                    attempt += 1
                }
            }
        }
    }

    /// Waits until nothing is in flight, or `timeout` passed; returns whether all were done.
    @discardableResult
    public func drain(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while inFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return inFlight == 0
    }

    /// Waits for graceful shutdown, then for the events in flight.
    public func run() async throws {
        try? await gracefulShutdown()
        if !(await drain(timeout: drainTimeout)) {
            logger.warning("mail.sent events still in flight at shutdown", metadata: ["count": "\(inFlight)"])
        }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state -> Bool in
                guard state.inFlight < limit else {
                    state.waiters.append(continuation)
                    return false
                }
                state.inFlight += 1
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    /// Hands the slot to the next waiter, or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.waiters.isEmpty else { return state.waiters.removeFirst() }
            state.inFlight -= 1
            return nil
        }
        next?.resume()
    }
}
