import Messaging

/// The sender's question before each send: may this tenant send this much now? Plan capacity
/// (messages and bytes per month) answers it; when it says no, the mail is parked, not lost.
public protocol CapacityGate: Sendable {
    /// Counts `messages` mails of `bytes` bytes against the tenant's plan if they fit, atomically.
    /// - Returns: `.granted` when counted, `.exhausted` (with what ran out) when not; nothing is
    ///   counted then.
    func reserve(tenant: String, messages: Int, bytes: Int) async throws -> CapacityDecision

    /// Keeps `request` for the recipients in `recipients` (those not yet served) until capacity is
    /// added; it is then produced again to `mail.outbound`.
    func park(_ request: OutboundMailRequest, recipients: [String], reason: String) async throws
}

/// A ``CapacityGate`` answer.
public enum CapacityDecision: Sendable, Equatable {
    case granted
    /// Nothing was counted; `reason` names what ran out (e.g. "messages: 1000 of 1000 used in 2026-11").
    case exhausted(reason: String)
}
