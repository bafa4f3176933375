/// What went wrong with a tenant operation. Messages name fields, never secrets or values.
public enum TenancyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A lifecycle payload lacks a field or has a malformed one.
    case invalidLifecycle(field: String, String)
    /// A state change arrived for a client key we never saw installed.
    case unknownClientKey
    /// The app descriptor's configuration is unusable.
    case invalidConfiguration(field: String, String)

    public var description: String {
        switch self {
        case .invalidLifecycle(let field, let problem): "lifecycle payload: \(field) \(problem)"
        case .unknownClientKey: "lifecycle event for a client key that was never installed"
        case .invalidConfiguration(let field, let problem): "app descriptor configuration: \(field) \(problem)"
        }
    }
}
