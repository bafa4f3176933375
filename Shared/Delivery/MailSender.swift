import Curl
import Encryption
import Foundation
import Kafka
import Logging
import Messaging
import Metrics
import ObjectStorage
import Platform
import Postgres

/// Takes `mail.outbound` records to SMTP: the handler of the sender's ``TenantLaneConsumer``.
///
/// Per record: open the envelope, apply the tenant's sandbox, ask plan capacity, then for each
/// recipient claim it in the ``DeliveryLedger``, send in its own SMTP transaction, record the
/// outcome, audit it in ``OutboundHistory`` and produce a ``MailSentEvent``. A recipient is sent
/// at most once per request (see `docs/sender.md` for the crash point). Failures never block
/// the lane for good: refused and exhausted sends, unreadable records and settings problems go
/// to `mail.outbound.dlq` as a ``DeadLetter``.
public final class MailSender: Sendable {
    /// A failure that retrying cannot mend: the record goes to the DLQ at once.
    struct Permanent: Error, CustomStringConvertible {
        let description: String
    }

    let configuration: MailSenderConfiguration
    let ledger: DeliveryLedger
    let history: OutboundHistory
    let sandbox: SandboxStore
    let connections: SMTPConnectionCache
    let tokens: OAuthTokenSource
    let store: any ObjectStore
    let cipher: TenantCipher
    let index: BlindIndex
    let capacity: (any CapacityGate)?
    /// Produces the `mail.sent` events; run it as a service between the producer and the consumer
    /// so that shutdown waits for the events in flight.
    public let announcer: MailSentAnnouncer
    let producer: KafkaProducer
    let engine: CurlEngine
    /// Each tenant's `max_connections`, across all its lanes' sends.
    let sessions = SMTPSessionLimit()
    let hasher: PIIHasher
    let logger: Logger
    /// This process's id in the ledger's claims; run a ``SenderLivenessLock`` with it.
    public let instanceID: String

    /// - Parameters:
    ///   - capacity: plan capacity; `nil` counts nothing (no plans, e.g. self-hosted).
    ///   - producer: for `mail.sent` and `mail.outbound.dlq`; run it as a service beside the consumer,
    ///     with ``announcer`` between the two (`[producer, sender.announcer, consumer]`).
    public init(
        configuration: MailSenderConfiguration, pool: PostgresPool, cipher: TenantCipher, vault: CredentialVault, index: BlindIndex,
        store: any ObjectStore, producer: KafkaProducer, capacity: (any CapacityGate)?, tokens: OAuthTokenSource = OAuthTokenSource(),
        hasher: PIIHasher, logger: Logger, instanceID: String = UUID().uuidString.lowercased(), engine: CurlEngine = .shared
    ) {
        self.instanceID = instanceID
        self.configuration = configuration
        self.ledger = DeliveryLedger(pool: pool)
        self.history = OutboundHistory(pool: pool, cipher: cipher)
        self.sandbox = SandboxStore(pool: pool, cipher: cipher, index: index)
        self.connections = SMTPConnectionCache(
            store: SMTPConnectionStore(pool: pool, vault: vault), lifetime: configuration.connectionCacheLifetime)
        self.tokens = tokens
        self.store = store
        self.cipher = cipher
        self.index = index
        self.capacity = capacity
        self.announcer = MailSentAnnouncer(
            publisher: EventPublisher(producer: producer, cipher: cipher, deadline: configuration.produceDeadline),
            topic: configuration.topics.sent, retry: configuration.retry, logger: logger)
        self.producer = producer
        self.engine = engine
        self.hasher = hasher
        self.logger = logger
    }

    /// A consumer of `mail.outbound` in per-tenant lanes that hands each record to ``handle(_:)``.
    /// - Parameter maximumConcurrentPerTenant: records of one tenant handled at once (each its own
    ///   SMTP connection). Above 1, a record replayed while its twin is still being sent may find
    ///   the twin's `sending` rows and audit them `uncertain` (the twin still records `sent`).
    public func makeConsumer(
        configuration consumer: KafkaConsumerConfiguration, maximumConcurrentLanes: Int, maximumConcurrentPerTenant: Int = 1,
        drainTimeout: Duration = .seconds(30)
    ) throws -> TenantLaneConsumer {
        try TenantLaneConsumer(
            configuration: consumer, topics: [configuration.topics.outbound], maximumConcurrentLanes: maximumConcurrentLanes,
            maximumConcurrentPerTenant: maximumConcurrentPerTenant, drainTimeout: drainTimeout, logger: logger
        ) { [self] message in await handle(message) }
    }

    /// Handles one `mail.outbound` record to its end: delivered, suppressed, parked, or
    /// dead-lettered. Never throws: the lane goes on with the next record.
    public func handle(_ message: KafkaConsumerMessage) async {
        let request: OutboundMailRequest
        do {
            request = try await retrying("opening the record") { try await self.open(message) }
        } catch {
            await deadLetter(message, error: "unreadable mail.outbound record: \(error)", reply: nil, requestID: nil, failedRecipients: [])
            return
        }
        do {
            let failures = try await retrying("delivering request \(request.requestID)") { try await self.deliver(request) }
            if let last = failures.last {
                await deadLetter(
                    message, error: "\(failures.count) of \(request.recipients.count) recipients not delivered: \(last.error)",
                    reply: last.reply, requestID: request.requestID, failedRecipients: failures.map(\.recipient))
            }
        } catch {
            await deadLetter(
                message, error: "request \(request.requestID) not delivered: \(error)", reply: nil, requestID: request.requestID,
                failedRecipients: request.recipients.map { index.token(for: $0, tenant: request.tenant) })
        }
    }

    /// The request in the record.
    func open(_ message: KafkaConsumerMessage) async throws -> OutboundMailRequest {
        let envelope: EventEnvelope
        let request: OutboundMailRequest
        do {
            envelope = try EventEnvelope(json: message.value)
            let body = try await cipher.open(try envelope.sealedBody(), tenant: envelope.tenant, purpose: DeliveryTopics.outboundPurpose)
            request = try TopicRecordCoding.decode(OutboundMailRequest.self, from: body)
        } catch let error as MessagingError {
            throw Permanent(description: error.description)
        } catch let error as EncryptionError {
            // Wrong tenant or purpose, tampering, a shredded key: no retry mends it. (A database
            // failure while the key is fetched is not an EncryptionError and is retried.)
            throw Permanent(description: "the mail.outbound body does not open: \(error)")
        }
        guard request.tenant == envelope.tenant, message.keyString == nil || message.keyString == envelope.tenant else {
            throw Permanent(description: "envelope \(envelope.id): the record key, envelope and request name different tenants")
        }
        guard !request.recipients.isEmpty else {
            throw Permanent(description: "request \(request.requestID) of tenant \(request.tenant) has no recipients")
        }
        return request
    }

    /// Runs `work`, retrying failures other than ``Permanent`` with the retry policy's back-off.
    @discardableResult
    func retrying<T: Sendable>(_ what: String, _ work: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await work()
            } catch let error as Permanent {
                throw error
            } catch {
                guard attempt < configuration.retry.maximumAttempts, !Task.isCancelled else { throw error }
                logger.warning(
                    "\(what) failed; retrying", metadata: ["attempt": "\(attempt)", "error": "\(hasher.redactAddresses(in: "\(error)"))"])
                try await Task.sleep(for: configuration.retry.delay(after: attempt))
                attempt += 1
            }
        }
    }

    /// Produces `message` with `error` to the DLQ; retried while the broker refuses. Logged (never
    /// silently dropped) when even that fails: the record is then committed unsent.
    func deadLetter(_ message: KafkaConsumerMessage, error: String, reply: SMTPReply?, requestID: String?, failedRecipients: [String]) async {
        let letter = DeadLetter(
            original: message, error: hasher.redactAddresses(in: error), reply: reply, requestID: requestID, failedRecipients: failedRecipients)
        Counter(label: "mailbridge_sender_dead_letters_total").increment()
        logger.error(
            "mail.outbound record dead-lettered",
            metadata: ["tenant": "\(message.keyString ?? "")", "offset": "\(message.offset)", "error": "\(letter.error)"])
        do {
            let record = KafkaProducerMessage(
                topic: configuration.topics.deadLetter, key: message.key, value: try letter.json(),
                headers: [KafkaHeader(key: "content-type", value: Array("application/json".utf8))])
            let producer = self.producer
            let deadline = configuration.produceDeadline
            _ = try await retrying("producing to the DLQ") {
                try await Deadline.run(within: deadline) { try await producer.send(record) }
            }
        } catch {
            logger.critical(
                "a mail.outbound record could not be dead-lettered and is lost",
                metadata: ["topic": "\(message.topic)", "partition": "\(message.partition)", "offset": "\(message.offset)", "error": "\(error)"])
        }
    }
}
