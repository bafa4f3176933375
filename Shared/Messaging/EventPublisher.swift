import Encryption
import Foundation
import Hex
import Kafka

/// Seals an event for its tenant, wraps it in an `EventEnvelope` and produces it keyed by the
/// tenant id, returning only after the broker acknowledged the record (the producer's `acks=all`).
public struct EventPublisher: Sendable {
    private let producer: KafkaProducer
    private let cipher: TenantCipher
    private let deadline: Duration

    /// - Parameter deadline: how long `publish` waits for the acknowledgement before it gives up
    ///   (the record may still be written later; its id makes that harmless).
    public init(producer: KafkaProducer, cipher: TenantCipher, deadline: Duration) {
        self.producer = producer
        self.cipher = cipher
        self.deadline = deadline
    }

    /// Produces one event.
    /// - Parameters:
    ///   - purpose: the sealing purpose: the topic's name without the deployment prefix (see
    ///     the service configuration), so a consumer opens it with the same words.
    /// - Returns: the envelope as produced.
    /// - Throws: `MessagingError` when sealing failed, the broker refused the record, or no
    ///   acknowledgement came within the deadline. Then nothing is known to be stored: answer so
    ///   that the sender retries.
    @discardableResult
    public func publish(topic: String, purpose: String, tenant: String, type: String, id: String, body: [UInt8], traceparent: String? = nil) async throws -> EventEnvelope {
        let sealed: [UInt8]
        do {
            sealed = try await cipher.seal(body, tenant: tenant, purpose: purpose)
        } catch {
            throw Self.sealingFailed(type: type, topic: topic, error)
        }
        let (envelope, message) = try record(topic: topic, tenant: tenant, type: type, id: id, sealed: sealed, traceparent: traceparent)
        let producer = self.producer
        do {
            _ = try await Deadline.run(within: deadline) { try await producer.send(message) }
        } catch {
            throw Self.notAcknowledged(topic: topic, error)
        }
        return envelope
    }

    /// `publish` without suspending, for a caller on an event loop: when the tenant's key is
    /// cached, seals the event and hands the record to the producer on the caller's thread, and
    /// returns true; `onDone` is then called exactly once, with the envelope once the broker
    /// acknowledged it, or with the error `publish` would throw (a full local queue fails at once
    /// instead of waiting). Returns false, calling nothing, when the key is not cached: then use
    /// `publish`.
    public func publishWithCachedKey(
        topic: String, purpose: String, tenant: String, type: String, id: String, body: [UInt8], traceparent: String? = nil,
        onDone: @escaping @Sendable (Result<EventEnvelope, MessagingError>) -> Void
    ) -> Bool {
        let envelope: EventEnvelope
        let message: KafkaProducerMessage
        do {
            guard let sealed = try cipher.sealWithCachedKey(body, tenant: tenant, purpose: purpose) else { return false }
            (envelope, message) = try record(topic: topic, tenant: tenant, type: type, id: id, sealed: sealed, traceparent: traceparent)
        } catch {
            onDone(.failure(Self.sealingFailed(type: type, topic: topic, error)))
            return true
        }
        let producer = self.producer
        Deadline.race(within: deadline) { delivered in
            producer.send(message) { delivered($0.mapError { $0 }) }
        } onDone: { result in
            onDone(result.map { _ in envelope }.mapError { Self.notAcknowledged(topic: topic, $0) })
        }
        return true
    }

    /// The envelope of a sealed event and the record that carries it, keyed by the tenant.
    private func record(
        topic: String, tenant: String, type: String, id: String, sealed: [UInt8], traceparent: String?
    ) throws -> (EventEnvelope, KafkaProducerMessage) {
        let envelope = EventEnvelope(id: id, tenant: tenant, type: type, at: Date(), sealedBody: sealed)
        let message = KafkaProducerMessage(
            topic: topic, key: Array(tenant.utf8), value: try envelope.json(),
            headers: [
                KafkaHeader(key: "content-type", value: Array("application/json".utf8)),
                KafkaHeader(key: "traceparent", value: Array((traceparent ?? Self.newTraceparent()).utf8)),
            ])
        return (envelope, message)
    }

    private static func sealingFailed(type: String, topic: String, _ error: any Error) -> MessagingError {
        MessagingError("sealing a \(type) event for \(topic) failed: \(error)", isTransient: true)
    }

    private static func notAcknowledged(topic: String, _ error: any Error) -> MessagingError {
        MessagingError("producing to \(topic) was not acknowledged: \(error)", isTransient: true)
    }

    /// A W3C `traceparent` starting a new trace: random trace and span ids, sampled.
    public static func newTraceparent() -> String {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { RandomBytes.fill($0) }
        var text: [UInt8] = Array("00-".utf8)
        text.reserveCapacity(55)
        Hex.append(word: words.0, to: &text)
        Hex.append(word: words.1, to: &text)
        text.append(UInt8(ascii: "-"))
        Hex.append(word: words.2, to: &text)
        text.append(contentsOf: "-01".utf8)
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `value` is a well-formed W3C `traceparent` (version 00) worth passing on.
    public static func isTraceparent(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2 else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
