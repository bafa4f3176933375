import CRdKafka
import Synchronization

extension KafkaError {
    /// librdkafka's fatal error for `handle`, or nil while the client is healthy.
    ///
    /// Cheap while healthy (one call without a text buffer). The error carries the underlying
    /// code (for instance `OUT_OF_ORDER_SEQUENCE_NUMBER`) and librdkafka's reason; it is never
    /// retriable.
    static func fatal(of handle: OpaquePointer) -> KafkaError? {
        guard rd_kafka_fatal_error(handle, nil, 0) != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        var text = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &text, text.count)
        return KafkaError(
            code: code.rawValue, name: String(cString: rd_kafka_err2name(code)), message: String(errorBuffer: text),
            isRetriable: false, isFatal: true)
    }
}

/// Holds the first fatal error a client raised; later ones are ignored.
final class FatalErrorLatch: Sendable {
    private let stored = Mutex<KafkaError?>(nil)

    /// The fatal error, or nil while the client is healthy.
    var error: KafkaError? { stored.withLock { $0 } }

    /// Keeps `error` unless one is already held. Returns true when this was the first.
    func record(_ error: KafkaError) -> Bool {
        stored.withLock { stored in
            guard stored == nil else { return false }
            stored = error
            return true
        }
    }
}
