import CRdKafka
import Logging

/// Owns one `rd_kafka_t`. All C calls of the Kafka module go through this type and the few
/// internal helpers beside it; the public API never shows a pointer.
///
/// `@unchecked Sendable`: librdkafka documents `rd_kafka_t` as thread-safe for the calls used
/// here. The only mutable state is the pointer itself, which is cleared by `destroy()` on the
/// client's own poll thread after every other user has stopped (the owner guarantees that).
final class RDKafkaClient: @unchecked Sendable {
    private(set) var pointer: OpaquePointer?
    /// Context for the C callbacks; released only after `rd_kafka_destroy` returned.
    private let context: Unmanaged<RDKafkaCallbackContext>

    enum Kind {
        case producer
        case consumer
    }

    /// Creates a client from librdkafka key/value settings.
    /// - Parameter configure: sets callbacks on the configuration before the client exists.
    init(
        kind: Kind, settings: [String: String], logger: Logger, rebalance: KafkaRebalanceContext? = nil,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.client("invalid Kafka setting \(key): \(String(errorBuffer: errorText))")
            }
        }
        let context = Unmanaged.passRetained(RDKafkaCallbackContext(logger: logger, rebalance: rebalance))
        rd_kafka_conf_set_opaque(conf, context.toOpaque())
        rd_kafka_conf_set_log_cb(conf, rdKafkaLogCallback)
        configure(conf)
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        // rd_kafka_new takes ownership of conf only when it succeeds.
        guard let client = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            context.release()
            throw KafkaError.client("could not create the Kafka client: \(String(errorBuffer: errorText))")
        }
        self.pointer = client
        self.context = context
    }

    /// Destroys the client, then frees what its callbacks point to. Call once, from the thread
    /// that owns the client's shutdown, after polling stopped.
    func destroy() {
        guard let pointer else { return }
        rd_kafka_destroy(pointer)
        self.pointer = nil
        context.release()
    }

    deinit {
        destroy()
    }

    /// The client, or an error when it was already destroyed.
    func handle() throws -> OpaquePointer {
        guard let pointer else { throw KafkaError.client("the Kafka client is closed") }
        return pointer
    }
}

/// What librdkafka's callbacks need: the logger, and a consumer's rebalance state.
final class RDKafkaCallbackContext: Sendable {
    let logger: Logger
    let rebalance: KafkaRebalanceContext?
    init(logger: Logger, rebalance: KafkaRebalanceContext?) {
        self.logger = logger
        self.rebalance = rebalance
    }

    static func from(_ client: OpaquePointer?) -> RDKafkaCallbackContext? {
        guard let client, let opaque = rd_kafka_opaque(client) else { return nil }
        return Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

/// librdkafka's internal log lines, routed to swift-log (syslog levels mapped).
private func rdKafkaLogCallback(_ client: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ message: UnsafePointer<CChar>?) {
    guard let context = RDKafkaCallbackContext.from(client) else { return }
    let text = message.map { String(cString: $0) } ?? ""
    let facilityText = facility.map { String(cString: $0) } ?? ""
    let logLevel: Logger.Level =
        switch level {
        case 0...3: .error
        case 4: .warning
        case 5, 6: .info
        default: .debug
        }
    context.logger.log(level: logLevel, "librdkafka: \(text)", metadata: ["facility": "\(facilityText)"])
}
