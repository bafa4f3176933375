import Foundation
import Jira
import Logging
import Messaging
import Metrics
import Platform
import Tenancy

/// Handles one Jira webhook delivery, in this order:
///
/// 1. the JWT names a tenant we know (else dropped: nothing stored, 204) and verifies against its
///    shared secret with `qsh` of this request (else 401, no detail);
/// 2. an inactive (disabled, uninstalled) tenant's event is dropped;
/// 3. the body must be a JSON object with `webhookEvent` (else 400);
/// 4. without an enabled notification scheme for (tenant, project, event) the event is dropped;
/// 5. otherwise it is sealed with the tenant's key and produced to `jira.events` keyed by the
///    tenant, and `accepted` is returned only after the broker's acknowledgement; any failure
///    there is `unavailable` (503) so Jira retries.
///
/// Nothing of a dropped or rejected request is stored, and logs carry only our tenant id, the
/// event name and hashed client keys.
public struct JiraWebhookReceiver: Sendable {
    private let authenticator: TenantAuthenticator
    private let schemes: NotificationSchemeCache
    private let publisher: EventPublisher
    private let topic: String
    private let hasher: PIIHasher
    private let logger: Logger
    private let counters = OutcomeCounters(label: "mailbridge_webhooks_received_total")
    private let failures: RepeatedFailureLog

    init(
        configuration: WebhookReceiptConfiguration, tenants: TenantCache, schemes: NotificationSchemeCache,
        publisher: EventPublisher, hasher: PIIHasher, logger: Logger
    ) {
        authenticator = TenantAuthenticator(
            tenants: tenants, verifier: ConnectTokenVerifier(clockSkew: configuration.clockSkew), basePath: configuration.basePath,
            verifiedTokens: VerifiedTokenCache())
        self.schemes = schemes
        self.publisher = publisher
        topic = configuration.topics.events
        self.hasher = hasher
        self.logger = logger
        failures = RepeatedFailureLog(logger: logger)
    }

    /// - Parameters:
    ///   - target: the request target as received (`/webhooks/jira?…`).
    ///   - deliveryIdentifier: `X-Atlassian-Webhook-Identifier`.
    public func receive(
        target: String, authorization: String?, deliveryIdentifier: String?, traceparent: String?, body: [UInt8]
    ) async -> ReceiptOutcome {
        let authentication: TenantAuthenticator.Outcome
        do {
            authentication = try await authenticator.authenticate(method: "POST", target: target, authorization: authorization)
        } catch {
            failures.error("webhook not handled: tenant lookup failed", metadata: ["error": "\(error)"])
            return counted(.unavailable)
        }
        return await finish(decide(authentication, deliveryIdentifier: deliveryIdentifier, body: body), traceparent: traceparent, body: body)
    }

    /// The same handling without suspending the caller (an event loop): answered at once when it
    /// needs no I/O (a refused token, a cached tenant whose event is dropped); otherwise the
    /// returned work does the rest. With the tenant and its key cached, that work seals and
    /// produces on the caller's thread and reports from the broker's acknowledgement, with no
    /// task; else (the tenant or key to be read from the database) it runs `receive`'s steps in
    /// a task.
    public func receiveWithoutWaiting(
        target: String, authorization: String?, deliveryIdentifier: String?, traceparent: String?, body: [UInt8]
    ) -> PendingOutcome {
        guard let authentication = authenticator.authenticateIfCached(method: "POST", target: target, authorization: authorization) else {
            return .later {
                await receive(target: target, authorization: authorization, deliveryIdentifier: deliveryIdentifier, traceparent: traceparent, body: body)
            }
        }
        switch decide(authentication, deliveryIdentifier: deliveryIdentifier, body: body) {
        case .outcome(let outcome):
            return .decided(counted(outcome))
        case .publish(let event):
            return .reported { done in publishWithoutWaiting(event, traceparent: traceparent, body: body, done: done) }
        }
    }

    /// What to do after authentication, decided without I/O.
    private enum Decision {
        case outcome(ReceiptOutcome)
        case publish(Accepted)
    }

    /// An event to store.
    private struct Accepted: Sendable {
        var tenant: String
        var event: String
        var id: String
    }

    private func finish(_ decision: Decision, traceparent: String?, body: [UInt8]) async -> ReceiptOutcome {
        switch decision {
        case .outcome(let outcome): counted(outcome)
        case .publish(let event): await publish(event, traceparent: traceparent, body: body)
        }
    }

    private func counted(_ outcome: ReceiptOutcome) -> ReceiptOutcome {
        counters.increment(outcome)
        return outcome
    }

    private func decide(_ authentication: TenantAuthenticator.Outcome, deliveryIdentifier: String?, body: [UInt8]) -> Decision {
        let tenant: TenantRecord
        switch authentication {
        case .verified(let record, _):
            tenant = record
        case .unknownTenant(let clientKey):
            logger.info("webhook dropped: unknown tenant", metadata: ["clientKey": "\(hasher.token(clientKey))"])
            return .outcome(.dropped(.unknownTenant))
        case .rejected(let reason):
            logger.notice("webhook refused: JWT", metadata: ["reason": "\(reason)"])
            return .outcome(.unauthorized)
        }
        guard tenant.isActive else {
            logger.info("webhook dropped: tenant not active", metadata: ["tenant": "\(tenant.tenantID)", "state": "\(tenant.state.rawValue)"])
            return .outcome(.dropped(.inactiveTenant))
        }
        let event: JiraWebhookEvent
        do {
            event = try JiraWebhookEvent(json: body)
        } catch {
            logger.notice("webhook refused: body", metadata: ["tenant": "\(tenant.tenantID)", "error": "\(error)"])
            return .outcome(.malformed)
        }
        guard let projectKey = event.projectKey else {
            logger.debug("webhook dropped: no project", metadata: ["tenant": "\(tenant.tenantID)", "event": "\(event.event)"])
            return .outcome(.dropped(.noNotification))
        }
        switch schemes.applies(.init(tenant: tenant.tenantID, projectKey: projectKey, event: event.event)) {
        case nil:
            logger.warning("webhook deferred: notification schemes not loaded yet", metadata: ["tenant": "\(tenant.tenantID)"])
            return .outcome(.unavailable)
        case false?:
            logger.debug("webhook dropped: no notification", metadata: ["tenant": "\(tenant.tenantID)", "event": "\(event.event)"])
            return .outcome(.dropped(.noNotification))
        case true?:
            let id = EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: deliveryIdentifier, body: body)
            return .publish(Accepted(tenant: tenant.tenantID, event: event.event, id: id))
        }
    }

    private func publish(_ accepted: Accepted, traceparent: String?, body: [UInt8]) async -> ReceiptOutcome {
        do {
            try await publisher.publish(
                topic: topic, purpose: WebhookReceiptConfiguration.Topics.eventsPurpose, tenant: accepted.tenant, type: accepted.event,
                id: accepted.id, body: body, traceparent: Self.passedOn(traceparent))
        } catch {
            return stored(accepted, .failure(error))
        }
        return stored(accepted, .success(()))
    }

    /// `publish` from the caller's thread when the tenant's key is cached, else in a task.
    private func publishWithoutWaiting(_ accepted: Accepted, traceparent: String?, body: [UInt8], done: @escaping @Sendable (ReceiptOutcome) -> Void) {
        let started = publisher.publishWithCachedKey(
            topic: topic, purpose: WebhookReceiptConfiguration.Topics.eventsPurpose, tenant: accepted.tenant, type: accepted.event,
            id: accepted.id, body: body, traceparent: Self.passedOn(traceparent)
        ) { result in
            done(stored(accepted, result.map { _ in () }.mapError { $0 }))
        }
        if !started {
            Task { done(await publish(accepted, traceparent: traceparent, body: body)) }
        }
    }

    /// The outcome of producing an accepted event, logged and counted.
    private func stored(_ accepted: Accepted, _ result: Result<Void, any Error>) -> ReceiptOutcome {
        if case .failure(let error) = result {
            failures.error("webhook deferred: not stored", metadata: ["tenant": "\(accepted.tenant)", "id": "\(accepted.id)", "error": "\(error)"])
            return counted(.unavailable)
        }
        logger.info("webhook accepted", metadata: ["tenant": "\(accepted.tenant)", "id": "\(accepted.id)", "event": "\(accepted.event)"])
        return counted(.accepted(id: accepted.id))
    }

    /// The caller's `traceparent` when it is well formed; else the publisher starts a new trace.
    private static func passedOn(_ traceparent: String?) -> String? {
        traceparent.flatMap { EventPublisher.isTraceparent($0) ? $0 : nil }
    }
}
