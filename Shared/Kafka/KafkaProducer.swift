import CRdKafka
import Logging
import ServiceLifecycle
import Synchronization

/// Produces records and returns only once the broker acknowledged them.
///
/// `send` completes after librdkafka's delivery report, so with the default `acks=all` a returned
/// send is durable on every in-sync replica. Delivery reports are served by a poll loop on a
/// dedicated thread. As a `Service`, `run()` waits for shutdown, then flushes outstanding records
/// (bounded by `flushTimeout`) and destroys the client.
///
/// A fatal librdkafka error (for instance an idempotence violation) makes the client unusable
/// for good: the producer logs it once, fails every later send at once with it, shuts down, and
/// `run()` throws it so the service group stops and the process exits to be replaced.
public final class KafkaProducer: Service, Sendable {
    private let client: RDKafkaClient
    private let logger: Logger
    private let stopRequested = StopFlag()
    private let gate = CallGate()
    private let flushTimeout: Duration
    private let pollLoop: Mutex<Task<Void, Never>?>
    private let fatal = FatalErrorLatch()

    /// The fatal error librdkafka raised, or nil while the producer is healthy. Once set, it stays
    /// set and every send fails with it; readiness checks fail on it.
    public var fatalError: KafkaError? { fatal.error }

    /// Creates the client and starts its poll loop.
    /// - Throws: `KafkaError` when a setting is invalid.
    public init(configuration: KafkaProducerConfiguration, logger: Logger, flushTimeout: Duration = .seconds(10)) throws {
        self.logger = logger
        self.flushTimeout = flushTimeout
        self.client = try RDKafkaClient(kind: .producer, settings: configuration.dictionary, logger: logger) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, producerDeliveryCallback)
        }
        self.pollLoop = Mutex(nil)
        startPolling()
    }

    private func startPolling() {
        let client = self.client
        let flushMilliseconds = Int32(clamping: flushTimeout.milliseconds)
        let task = DedicatedThread.start(name: "mailbridge.kafka.producer") { [stopRequested, gate, fatal, logger] in
            guard let handle = try? client.handle() else { return }
            while !stopRequested.isRaised {
                rd_kafka_poll(handle, 100)
                if let error = KafkaError.fatal(of: handle) {
                    // The client cannot recover: stop polling and shut down (below), which ends `run()`.
                    if fatal.record(error) {
                        logger.error(
                            "Kafka producer hit a fatal error; it stops and the service exits",
                            metadata: ["error": "\(error.name)", "reason": "\(error.message)"])
                    }
                    stopRequested.raise()
                }
            }
            gate.close()
            let result = rd_kafka_flush(handle, flushMilliseconds)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error("Kafka producer flush did not finish; unacknowledged records fail", metadata: ["outstanding": "\(rd_kafka_outq_len(handle))"])
            }
            // Destroying fails every record still queued through the delivery callback, so no
            // `send` is left waiting; then the callback context is released.
            client.destroy()
        }
        pollLoop.withLock { $0 = task }
    }

    /// Sends one record and waits for the broker's acknowledgement.
    /// - Returns: the partition and offset the record got.
    /// - Throws: `KafkaError`; `isRetriable` says whether sending again may succeed. A record
    ///   whose send failed may still have been written (a timeout after the broker wrote it),
    ///   which is why every consumer is idempotent.
    @discardableResult
    public func send(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        while true {
            do {
                return try await sendOnce(message)
            } catch let error as KafkaError where error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue {
                // Back-pressure: librdkafka's local queue is full; wait for deliveries to drain it.
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    private func sendOnce(_ message: KafkaProducerMessage) async throws -> KafkaDeliveryReport {
        try await withCheckedThrowingContinuation { continuation in
            send(message) { continuation.resume(with: $0.mapError { $0 }) }
        }
    }

    /// Sends one record without waiting: `onDelivery` is called exactly once, with the broker's
    /// acknowledgement or the failure. A record that could not be queued (the local queue is
    /// full, the producer is shut down) fails at once, on the caller's thread; otherwise the
    /// report comes on the producer's poll thread, so `onDelivery` must be quick and not block.
    public func send(_ message: KafkaProducerMessage, onDelivery: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void) {
        if let error = enqueue(message, to: DeliveryReceiver(.callback(onDelivery))) {
            onDelivery(.failure(error))
        }
    }

    /// Sends every record and waits until each one is acknowledged or has failed.
    ///
    /// Cheaper than one `send` per record (one task and one continuation for the whole batch),
    /// and with the same guarantee per record. Records of one key keep their order.
    /// - Returns: one result per record, in the order given.
    public func send(contentsOf messages: [KafkaProducerMessage]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        let collector = KafkaBatchCollector(count: messages.count)
        for (index, message) in messages.enumerated() {
            while true {
                guard let error = enqueue(message, to: DeliveryReceiver(.batch(collector, index: index))) else { break }
                if error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue, !Task.isCancelled {
                    // Back-pressure: wait for deliveries to drain librdkafka's local queue.
                    try? await Task.sleep(for: .milliseconds(2))
                    continue
                }
                collector.record(.failure(error), at: index)
                break
            }
        }
        return await collector.results()
    }

    /// Hands one record to librdkafka. Returns nil when queued (the receiver then gets exactly one
    /// report), or the error when it was not (the receiver gets nothing).
    private func enqueue(_ message: KafkaProducerMessage, to receiver: DeliveryReceiver) -> KafkaError? {
        if let error = fatal.error { return error }
        // The gate keeps the client alive for the produce call itself (not the wait for the
        // acknowledgement), so shutdown cannot destroy it under this thread.
        guard gate.enter() else { return KafkaError.client("the producer is shut down") }
        defer { gate.leave() }
        guard let handle = try? client.handle() else { return KafkaError.client("the producer is shut down") }
        let opaque = Unmanaged.passRetained(receiver)
        let headers = RDKafkaConversions.makeHeaders(message.headers)
        let result = message.value.withUnsafeBytes { value in
            withOptionalBytes(message.key) { key in
                mb_rd_kafka_produce(
                    handle, message.topic, message.partition ?? mb_rd_kafka_partition_unassigned,
                    key.baseAddress, key.count, value.baseAddress, value.count, headers, opaque.toOpaque())
            }
        }
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            // Not queued: we still own the headers, and no callback will release the receiver.
            if let headers { rd_kafka_headers_destroy(headers) }
            opaque.release()
            if result == RD_KAFKA_RESP_ERR__FATAL, let fatal = KafkaError.fatal(of: handle) { return fatal }
            return KafkaError(result, context: "produce to \(message.topic)")
        }
        return nil
    }

    /// Waits for graceful shutdown, cancellation or a fatal error, then flushes and destroys the
    /// client.
    /// - Throws: the fatal `KafkaError` when librdkafka raised one, so the service group stops.
    public func run() async throws {
        let task = pollLoop.withLock { $0 }
        // The poll loop ends on a fatal error by itself, and on shutdown when asked to.
        await withTaskCancellationOrGracefulShutdownHandler {
            await task?.value
        } onCancelOrGracefulShutdown: { [self] in
            requestStop()
        }
        await shutdown()
        if let error = fatal.error { throw error }
    }

    /// Stops accepting records, flushes outstanding ones (up to the flush timeout) and destroys
    /// the client. Safe to call more than once.
    public func shutdown() async {
        requestStop()
        let task = pollLoop.withLock { $0 }
        await task?.value
    }

    /// Asks the poll loop to stop, without waiting for it.
    private func requestStop() {
        stopRequested.raise()
        // Wake a poll that is waiting out its timeout, so shutdown does not wait for it.
        if gate.enter() {
            if let handle = try? client.handle(), let queue = rd_kafka_queue_get_main(handle) {
                rd_kafka_queue_yield(queue)
                rd_kafka_queue_destroy(queue)
            }
            gate.leave()
        }
    }

    /// Makes librdkafka raise a fatal `OUT_OF_ORDER_SEQUENCE_NUMBER` error, as a broker's
    /// idempotence violation would (`rd_kafka_test_fatal_error`). Tests only.
    /// - Returns: false when the client is shut down or a fatal error was raised before.
    package func triggerFatalErrorForTesting(reason: String) -> Bool {
        guard gate.enter() else { return false }
        defer { gate.leave() }
        guard let handle = try? client.handle() else { return false }
        return rd_kafka_test_fatal_error(handle, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason) == RD_KAFKA_RESP_ERR_NO_ERROR
    }
}

/// Where one record's delivery report goes: the callback of a single `send`, or a slot of a
/// batch.
private final class DeliveryReceiver: Sendable {
    enum Target: Sendable {
        case callback(@Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void)
        case batch(KafkaBatchCollector, index: Int)
    }

    let target: Target
    init(_ target: Target) { self.target = target }

    func deliver(_ result: Result<KafkaDeliveryReport, KafkaError>) {
        switch target {
        case .callback(let onDelivery): onDelivery(result)
        case .batch(let collector, let index): collector.record(result, at: index)
        }
    }
}

/// Called by librdkafka on the poll thread once per record, delivered or failed.
private func producerDeliveryCallback(_ client: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let message, let receiverPointer = message.pointee._private else { return }
    let receiver = Unmanaged<DeliveryReceiver>.fromOpaque(receiverPointer).takeRetainedValue()
    let raw = message.pointee
    if raw.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        receiver.deliver(
            .success(KafkaDeliveryReport(topic: String(cString: rd_kafka_topic_name(raw.rkt)), partition: raw.partition, offset: raw.offset)))
    } else {
        var error = KafkaError(raw.err, context: "delivery to \(String(cString: rd_kafka_topic_name(raw.rkt)))")
        if raw.err == RD_KAFKA_RESP_ERR__FATAL, let client, let fatal = KafkaError.fatal(of: client) {
            error = fatal
        }
        receiver.deliver(.failure(error))
    }
}

/// Calls `body` with the bytes of `bytes`, or an empty buffer with a nil base address.
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    guard let bytes else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    return bytes.withUnsafeBytes(body)
}
