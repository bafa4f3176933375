import Foundation

/// A stored tenant, without its secret (ask `TenantDirectory.sharedSecret(of:)`).
public struct TenantRecord: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        case installed, enabled, disabled, uninstalled
    }

    /// Ours: stable across re-installs; the Kafka message key for everything of this tenant.
    public var tenantID: String
    public var clientKey: String
    public var baseURL: String
    public var displayURL: String?
    public var productType: String
    public var state: State
    public var installedAt: Date
    public var uninstalledAt: Date?

    /// Whether Mailbridge should work for this tenant (installed or enabled, not disabled or gone).
    public var isActive: Bool { state == .installed || state == .enabled }
}
