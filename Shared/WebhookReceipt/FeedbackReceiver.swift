import Foundation
import Jira
import Logging
import Messaging
import Platform
import Tenancy

/// Handles feedback a user of a tenant sends from the app's pages in Jira: the call carries a
/// Connect context token (HS256 with the tenant's secret; `qsh` of the request or `context-qsh`;
/// `sub` the user's account id). The body is `{"email": …, "message": …}`; the event produced to
/// `app.feedback` (sealed, keyed by tenant) holds the site's base URL, the email, the account id
/// and the message.
///
/// No valid token, or a tenant we do not know or that is not active: 401. A body without a
/// plausible email, or a message over 10,000 characters: 400. Broker trouble: 503. The email is
/// logged only hashed, the message never.
public struct FeedbackReceiver: Sendable {
    static let maximumMessageCharacters = 10_000

    private let authenticator: TenantAuthenticator
    private let publisher: EventPublisher
    private let topic: String
    private let hasher: PIIHasher
    private let logger: Logger

    init(configuration: WebhookReceiptConfiguration, tenants: TenantCache, publisher: EventPublisher, hasher: PIIHasher, logger: Logger) {
        authenticator = TenantAuthenticator(
            tenants: tenants, verifier: ConnectTokenVerifier(clockSkew: configuration.clockSkew), basePath: configuration.basePath)
        self.publisher = publisher
        topic = configuration.topics.feedback
        self.hasher = hasher
        self.logger = logger
    }

    public func receive(target: String, authorization: String?, body: [UInt8]) async -> ReceiptOutcome {
        let tenant: TenantRecord
        let claims: JWTClaims
        do {
            switch try await authenticator.authenticate(method: "POST", target: target, authorization: authorization, queryStringHash: .requestOrContext) {
            case .verified(let record, let verified) where record.isActive:
                tenant = record
                claims = verified
            case .verified, .unknownTenant, .rejected:
                logger.notice("feedback refused: JWT or tenant")
                return .unauthorized
            }
        } catch {
            logger.error("feedback not handled: tenant lookup failed", metadata: ["error": "\(error)"])
            return .unavailable
        }
        guard let feedback = Feedback(json: body) else {
            logger.notice("feedback refused: body", metadata: ["tenant": "\(tenant.tenantID)"])
            return .malformed
        }
        let event = FeedbackEvent(hostBaseUrl: tenant.baseURL, email: feedback.email, accountId: claims.sub, message: feedback.message)
        let id = EventIdentity.id(tenant: tenant.tenantID, deliveryIdentifier: nil, body: body)
        do {
            try await publisher.publish(
                topic: topic, purpose: WebhookReceiptConfiguration.Topics.feedbackPurpose, tenant: tenant.tenantID, type: "feedback", id: id,
                body: try event.json())
        } catch {
            logger.error("feedback deferred: not stored", metadata: ["tenant": "\(tenant.tenantID)", "error": "\(error)"])
            return .unavailable
        }
        logger.info("feedback accepted", metadata: ["tenant": "\(tenant.tenantID)", "email": "\(hasher.token(feedback.email))", "id": "\(id)"])
        return .accepted(id: id)
    }

    /// The request body.
    struct Feedback: Decodable {
        var email: String
        var message: String?

        /// nil unless a JSON object with a plausible `email` (one `@`, no spaces, at most 254
        /// bytes) and an optional `message` of at most 10,000 characters.
        init?(json: [UInt8]) {
            guard let decoded = try? JSONDecoder().decode(Feedback.self, from: Data(json)) else { return nil }
            let email = decoded.email.trimmingCharacters(in: .whitespaces)
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), email.utf8.count <= 254,
                !email.contains(where: \.isWhitespace)
            else { return nil }
            if let message = decoded.message, message.count > FeedbackReceiver.maximumMessageCharacters { return nil }
            self.email = email
            self.message = decoded.message
        }
    }
}

/// The body of an `app.feedback` event.
struct FeedbackEvent: Codable, Sendable {
    var hostBaseUrl: String
    var email: String
    var accountId: String?
    var message: String?

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
