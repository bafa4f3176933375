/// What the service answers to one incoming call, independent of HTTP plumbing.
public enum ReceiptOutcome: Sendable, Equatable {
    /// Stored: produced and acknowledged. 200.
    case accepted(id: String)
    /// Acknowledged without storing anything (no notification applies, unknown or inactive
    /// tenant, nothing to do). 204, so Jira does not retry.
    case dropped(DropReason)
    /// The JWT was missing or invalid. 401 with no detail.
    case unauthorized
    /// The body is not what the endpoint takes. 400.
    case malformed
    /// The body exceeds the configured limit. 413.
    case tooLarge
    /// Not stored now, ask again: broker or database unavailable, deadline passed, too many
    /// requests at once, schemes not loaded yet. 503.
    case unavailable

    public enum DropReason: String, Sendable, Equatable {
        case unknownTenant = "unknown-tenant"
        case inactiveTenant = "inactive-tenant"
        case noNotification = "no-notification"
    }

    /// The HTTP status this outcome is answered with.
    public var status: Int {
        switch self {
        case .accepted: 200
        case .dropped: 204
        case .unauthorized: 401
        case .malformed: 400
        case .tooLarge: 413
        case .unavailable: 503
        }
    }

    /// A short label for logs and metrics.
    public var label: String {
        switch self {
        case .accepted: "accepted"
        case .dropped(let reason): "dropped-\(reason.rawValue)"
        case .unauthorized: "unauthorized"
        case .malformed: "malformed"
        case .tooLarge: "too-large"
        case .unavailable: "unavailable"
        }
    }
}
