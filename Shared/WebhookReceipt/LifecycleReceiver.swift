import Foundation
import Jira
import Logging
import Messaging
import Platform
import Tenancy

/// Handles the Connect lifecycle callbacks (`installed`, `uninstalled`, `enabled`, `disabled`).
///
/// - `installed` and `uninstalled` must carry Atlassian's RS256 signed-install token: `kid` key
///   from the configured install keys, `aud` our base URL, `iss` the body's client key, `qsh` of
///   this request. A re-install may instead be signed HS256 by the tenant's current secret (never
///   a new tenant: the descriptor opts into signed installs).
/// - `enabled` and `disabled` are HS256 with the tenant's shared secret; `iss` must be the body's
///   client key.
///
/// The tenant is then recorded (`installed` creates or updates it; its data key is made when its
/// secret is sealed) and the event is produced to `tenant.lifecycle` (sealed, keyed by tenant).
/// A body for another app key or event is 400; a bad token 401; a database or broker failure
/// 503, after which Jira's retry is harmless (recording is idempotent, the event id stable).
public struct LifecycleReceiver: Sendable {
    private let configuration: WebhookReceiptConfiguration
    private let directory: TenantDirectory
    private let tenants: TenantCache
    private let authenticator: TenantAuthenticator
    private let verifier: ConnectTokenVerifier
    private let publisher: EventPublisher
    private let hasher: PIIHasher
    private let logger: Logger

    init(
        configuration: WebhookReceiptConfiguration, directory: TenantDirectory, tenants: TenantCache, publisher: EventPublisher,
        hasher: PIIHasher, logger: Logger
    ) {
        self.configuration = configuration
        self.directory = directory
        verifier = ConnectTokenVerifier(clockSkew: configuration.clockSkew)
        self.tenants = tenants
        authenticator = TenantAuthenticator(tenants: tenants, verifier: verifier, basePath: configuration.basePath)
        self.publisher = publisher
        self.hasher = hasher
        self.logger = logger
    }

    /// - Parameters:
    ///   - kind: the event the path names.
    ///   - target: the request target as received.
    public func receive(kind: AppLifecycleEvent.Kind, target: String, authorization: String?, body: [UInt8]) async -> ReceiptOutcome {
        let event: AppLifecycleEvent
        do {
            event = try AppLifecycleEvent(json: body)
        } catch {
            logger.notice("lifecycle refused: body", metadata: ["path": "\(kind.rawValue)", "error": "\(error)"])
            return .malformed
        }
        guard event.kind == kind, event.appKey == configuration.appKey else {
            logger.notice("lifecycle refused: event or app key does not match the endpoint", metadata: ["path": "\(kind.rawValue)"])
            return .malformed
        }
        let clientToken = hasher.token(event.clientKey)
        do {
            guard try await isAuthentic(event, target: target, authorization: authorization) else {
                logger.notice("lifecycle refused: JWT", metadata: ["event": "\(kind.rawValue)", "clientKey": "\(clientToken)"])
                return .unauthorized
            }
        } catch {
            logger.error("lifecycle not handled: verification failed", metadata: ["event": "\(kind.rawValue)", "error": "\(error)"])
            return .unavailable
        }
        let tenant: TenantRecord
        // Whatever happens next, the cached state and secret of this tenant are stale.
        defer { tenants.invalidate(clientKey: event.clientKey) }
        do {
            tenant = kind == .installed ? try await directory.recordInstall(event) : try await directory.recordStateChange(event)
        } catch TenancyError.unknownClientKey {
            logger.info("lifecycle dropped: unknown tenant", metadata: ["event": "\(kind.rawValue)", "clientKey": "\(clientToken)"])
            return .dropped(.unknownTenant)
        } catch {
            logger.error("lifecycle not recorded", metadata: ["event": "\(kind.rawValue)", "error": "\(error)"])
            return .unavailable
        }
        let id = EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: nil, body: body)
        do {
            try await publisher.publish(
                topic: configuration.topics.lifecycle, purpose: WebhookReceiptConfiguration.Topics.lifecyclePurpose, tenant: tenant.tenantID, type: kind.rawValue, id: id,
                body: try LifecycleNotice(event: event, tenant: tenant).json())
        } catch {
            logger.error("lifecycle recorded but not announced", metadata: ["tenant": "\(tenant.tenantID)", "error": "\(error)"])
            return .unavailable
        }
        logger.info("lifecycle recorded", metadata: ["tenant": "\(tenant.tenantID)", "event": "\(kind.rawValue)", "clientKey": "\(clientToken)"])
        return .accepted(id: id)
    }

    /// Whether the callback's token is valid for its event (see the type's rules).
    /// - Throws: only when the tenant lookup failed.
    private func isAuthentic(_ event: AppLifecycleEvent, target: String, authorization: String?) async throws -> Bool {
        guard let text = JSONWebToken.token(authorization: authorization, target: target),
            let token = try? JSONWebToken(parsing: text)
        else { return false }
        let request = CanonicalRequest(method: "POST", target: target, basePath: configuration.basePath)
        if token.header.alg == "RS256", event.kind == .installed || event.kind == .uninstalled {
            do {
                _ = try await verifier.verifyInstallCallback(
                    token, keys: configuration.installKeys, appBaseURL: configuration.appBaseURL, clientKey: event.clientKey, request: request)
                return true
            } catch {
                logger.notice("install token refused", metadata: ["reason": "\(error.reason.rawValue)"])
                return false
            }
        }
        switch try await authenticator.authenticate(method: "POST", target: target, authorization: authorization) {
        case .verified(let tenant, _):
            return tenant.clientKey == event.clientKey
        case .unknownTenant, .rejected:
            return false
        }
    }
}

/// The body of a `tenant.lifecycle` event: what downstream services (Slack, purger) need.
/// Never holds the shared secret.
struct LifecycleNotice: Codable, Sendable {
    var event: String
    var tenant: String
    var clientKey: String
    var baseUrl: String
    var state: String

    init(event: AppLifecycleEvent, tenant: TenantRecord) {
        self.event = event.kind.rawValue
        self.tenant = tenant.tenantID
        clientKey = event.clientKey
        baseUrl = event.baseURL
        state = tenant.state.rawValue
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
