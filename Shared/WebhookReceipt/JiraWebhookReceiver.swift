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

    init(
        configuration: WebhookReceiptConfiguration, tenants: TenantCache, schemes: NotificationSchemeCache,
        publisher: EventPublisher, hasher: PIIHasher, logger: Logger
    ) {
        authenticator = TenantAuthenticator(
            tenants: tenants, verifier: ConnectTokenVerifier(clockSkew: configuration.clockSkew), basePath: configuration.basePath)
        self.schemes = schemes
        self.publisher = publisher
        topic = configuration.topics.events
        self.hasher = hasher
        self.logger = logger
    }

    /// - Parameters:
    ///   - target: the request target as received (`/webhooks/jira?…`).
    ///   - deliveryIdentifier: `X-Atlassian-Webhook-Identifier`.
    public func receive(
        target: String, authorization: String?, deliveryIdentifier: String?, traceparent: String?, body: [UInt8]
    ) async -> ReceiptOutcome {
        let outcome = await decide(
            target: target, authorization: authorization, deliveryIdentifier: deliveryIdentifier, traceparent: traceparent, body: body)
        Counter(label: "mailbridge_webhooks_received_total", dimensions: [("outcome", outcome.label)]).increment()
        return outcome
    }

    private func decide(
        target: String, authorization: String?, deliveryIdentifier: String?, traceparent: String?, body: [UInt8]
    ) async -> ReceiptOutcome {
        let tenant: TenantRecord
        do {
            switch try await authenticator.authenticate(method: "POST", target: target, authorization: authorization) {
            case .verified(let record, _):
                tenant = record
            case .unknownTenant(let clientKey):
                logger.info("webhook dropped: unknown tenant", metadata: ["clientKey": "\(hasher.token(clientKey))"])
                return .dropped(.unknownTenant)
            case .rejected(let reason):
                logger.notice("webhook refused: JWT", metadata: ["reason": "\(reason)"])
                return .unauthorized
            }
        } catch {
            logger.error("webhook not handled: tenant lookup failed", metadata: ["error": "\(error)"])
            return .unavailable
        }
        guard tenant.isActive else {
            logger.info("webhook dropped: tenant not active", metadata: ["tenant": "\(tenant.tenantID)", "state": "\(tenant.state.rawValue)"])
            return .dropped(.inactiveTenant)
        }
        let event: JiraWebhookEvent
        do {
            event = try JiraWebhookEvent(json: body)
        } catch {
            logger.notice("webhook refused: body", metadata: ["tenant": "\(tenant.tenantID)", "error": "\(error)"])
            return .malformed
        }
        guard let projectKey = event.projectKey else {
            logger.debug("webhook dropped: no project", metadata: ["tenant": "\(tenant.tenantID)", "event": "\(event.event)"])
            return .dropped(.noNotification)
        }
        switch schemes.applies(.init(tenant: tenant.tenantID, projectKey: projectKey, event: event.event)) {
        case nil:
            logger.warning("webhook deferred: notification schemes not loaded yet", metadata: ["tenant": "\(tenant.tenantID)"])
            return .unavailable
        case false?:
            logger.debug("webhook dropped: no notification", metadata: ["tenant": "\(tenant.tenantID)", "event": "\(event.event)"])
            return .dropped(.noNotification)
        case true?:
            break
        }
        let id = EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: deliveryIdentifier, body: body)
        do {
            try await publisher.publish(
                topic: topic, purpose: WebhookReceiptConfiguration.Topics.eventsPurpose, tenant: tenant.tenantID, type: event.event, id: id, body: body,
                traceparent: traceparent.flatMap { EventPublisher.isTraceparent($0) ? $0 : nil })
        } catch {
            logger.error("webhook deferred: not stored", metadata: ["tenant": "\(tenant.tenantID)", "id": "\(id)", "error": "\(error)"])
            return .unavailable
        }
        logger.info("webhook accepted", metadata: ["tenant": "\(tenant.tenantID)", "id": "\(id)", "event": "\(event.event)"])
        return .accepted(id: id)
    }
}
