import Delivery
import Encryption
import Foundation
import Jira
import Kafka
import Logging
import Messaging
import Metrics
import ObjectStorage
import Platform
import Postgres

/// The renderer's `TenantLaneConsumer` handler: renders each `jira.events` record, retrying
/// what may pass (Jira 429/5xx, the database, the object store, the broker) with back-off
/// inside the tenant's lane, and dead-letters the rest to `jira.events.dlq` with the reason.
/// Other tenants' lanes go on meanwhile.
public struct RenderingHandler: Sendable {
    private let renderer: NotificationRenderer
    private let producer: KafkaProducer
    private let hasher: PIIHasher
    private let logger: Logger

    /// - Parameter hasher: replaces addresses in dead-letter reasons by their tokens.
    public init(renderer: NotificationRenderer, producer: KafkaProducer, hasher: PIIHasher, logger: Logger) {
        self.renderer = renderer
        self.producer = producer
        self.hasher = hasher
        self.logger = logger
    }

    /// Handles one record; returns when it is rendered, dropped or dead-lettered (or at shutdown,
    /// leaving it uncommitted).
    public func handle(_ message: KafkaConsumerMessage) async {
        let envelope: EventEnvelope
        do {
            envelope = try EventEnvelope(json: message.value)
        } catch {
            await deadLetter(message, reason: "\(error)")
            return
        }
        var backoff = renderer.settings.initialBackoff
        for attempt in 1... {
            do {
                let result = try await renderer.render(envelope)
                switch result {
                case .rendered:
                    Counter(label: "mailbridge_renderer_events_total", dimensions: [("outcome", "rendered")]).increment()
                case .dropped(let outcome):
                    Counter(label: "mailbridge_renderer_events_total", dimensions: [("outcome", outcome.rawValue)]).increment()
                }
                return
            } catch {
                if Task.isCancelled { return }
                guard Self.isTransient(error), attempt < renderer.settings.maximumAttempts else {
                    await deadLetter(message, reason: "\(error)")
                    return
                }
                logger.warning(
                    "rendering failed; trying again",
                    metadata: ["tenant": "\(envelope.tenant)", "event": "\(envelope.id)", "attempt": "\(attempt)", "error": "\(error)"])
                let jitter = Double.random(in: 0.8...1.2)
                try? await Task.sleep(for: backoff * jitter)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    /// Whether trying the same event again later may succeed.
    public static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as JiraError: return error.isRetriable
        case is PostgresError: return true
        case let error as ObjectStorageError: return error.isRetriable
        case let error as MessagingError: return error.isTransient
        default: return false
        }
    }

    /// Produces the record to the dead-letter topic, retrying until the broker takes it: a record
    /// is never committed before it is either rendered or dead-lettered.
    private func deadLetter(_ message: KafkaConsumerMessage, reason rawReason: String) async {
        let reason = hasher.redactAddresses(in: rawReason)
        Counter(label: "mailbridge_renderer_events_total", dimensions: [("outcome", "dead-lettered")]).increment()
        logger.error(
            "event dead-lettered", metadata: ["tenant": "\(message.keyString ?? "")", "offset": "\(message.offset)", "error": "\(reason)"])
        let letter = DeadLetter(original: message, error: reason, reply: nil, failedRecipients: [])
        var backoff = Duration.milliseconds(500)
        while !Task.isCancelled {
            do {
                let record = KafkaProducerMessage(topic: renderer.settings.topics.deadLetter, key: message.key, value: try letter.json())
                _ = try await producer.send(record)
                return
            } catch {
                logger.error("dead-lettering failed; trying again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }
}
