import Foundation
import Messaging

/// Produces one `OutboundMailRequest` to `mail.outbound` and returns once the broker acknowledged
/// it. Injected, so plan capacity does not own a producer.
public typealias OutboundPublish = @Sendable (OutboundMailRequest) async throws -> Void

extension EventPublisher {
    /// An ``OutboundPublish`` producing to `topic` (the deployment's `mail.outbound`, prefix
    /// included), sealed with purpose `mail.outbound`, envelope type = the request's kind.
    ///
    /// Each call gets a new envelope id: the sender deduplicates by (tenant, `requestID`,
    /// recipient), so a re-published request never mails a recipient twice.
    public func outboundPublish(topic: String) -> OutboundPublish {
        { request in
            try await self.publish(
                topic: topic, purpose: DeliveryTopics.outboundPurpose, tenant: request.tenant, type: request.kind.rawValue,
                id: UUID().uuidString.lowercased(), body: try TopicRecordCoding.encode(request))
        }
    }
}
