import CRdKafka

/// An error from librdkafka or from this wrapper.
///
/// One struct, as in swift-kafka-client: librdkafka's error code and name, a message, whether
/// trying again may help, whether the client is unusable, and where the error was raised.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's `rd_kafka_resp_err_t` value (negative values are client-side errors).
    public let code: Int32
    /// librdkafka's name for the code, e.g. `_MSG_TIMED_OUT` or `TOPIC_ALREADY_EXISTS`.
    public let name: String
    /// What went wrong, in words.
    public let message: String
    /// True when the same operation may succeed later (broker down, timeout, queue full, …).
    public let isRetriable: Bool
    /// True when the client can no longer be used (for instance an idempotence violation).
    public let isFatal: Bool
    public let file: String
    public let line: UInt

    package init(
        code: Int32, name: String, message: String, isRetriable: Bool, isFatal: Bool,
        file: String = #fileID, line: UInt = #line
    ) {
        self.code = code
        self.name = name
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.file = file
        self.line = line
    }

    /// An error for a librdkafka response code, classified as retriable or not.
    package init(_ error: rd_kafka_resp_err_t, context: String? = nil, file: String = #fileID, line: UInt = #line) {
        let text = String(cString: rd_kafka_err2str(error))
        self.init(
            code: error.rawValue,
            name: String(cString: rd_kafka_err2name(error)),
            message: context.map { "\($0): \(text)" } ?? text,
            isRetriable: Self.retriableCodes.contains(error),
            isFatal: error == RD_KAFKA_RESP_ERR__FATAL,
            file: file, line: line)
    }

    /// An error raised by this wrapper rather than by librdkafka.
    package static func client(_ message: String, isRetriable: Bool = false, file: String = #fileID, line: UInt = #line) -> KafkaError {
        KafkaError(code: -1, name: "CLIENT", message: message, isRetriable: isRetriable, isFatal: false, file: file, line: line)
    }

    public var description: String {
        "KafkaError \(name) (\(code)): \(message)\(isRetriable ? " [retriable]" : "")\(isFatal ? " [fatal]" : "") at \(file):\(line)"
    }

    private static let retriableCodes: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
        RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR__RESOLVE,
    ]
}

extension rd_kafka_resp_err_t: @retroactive Hashable {}
