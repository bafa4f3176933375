import Encryption
import Foundation
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
            throw MessagingError("sealing a \(type) event for \(topic) failed: \(error)", isTransient: true)
        }
        let envelope = EventEnvelope(id: id, tenant: tenant, type: type, at: Date(), sealedBody: sealed)
        let message = KafkaProducerMessage(
            topic: topic, key: Array(tenant.utf8), value: try envelope.json(),
            headers: [
                KafkaHeader(key: "content-type", value: Array("application/json".utf8)),
                KafkaHeader(key: "traceparent", value: Array((traceparent ?? Self.newTraceparent()).utf8)),
            ])
        let producer = self.producer
        do {
            _ = try await Deadline.run(within: deadline) { try await producer.send(message) }
        } catch {
            throw MessagingError("producing to \(topic) was not acknowledged: \(error)", isTransient: true)
        }
        return envelope
    }

    /// A W3C `traceparent` starting a new trace: random trace and span ids, sampled.
    public static func newTraceparent() -> String {
        var random = SystemRandomNumberGenerator()
        let words = (random.next() as UInt64, random.next() as UInt64, random.next() as UInt64)
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("00-".utf8)
        text.reserveCapacity(55)
        func append(_ word: UInt64) {
            for shift in stride(from: 60, through: 0, by: -4) { text.append(digits[Int(word >> UInt64(shift) & 15)]) }
        }
        append(words.0)
        append(words.1)
        text.append(UInt8(ascii: "-"))
        append(words.2)
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
