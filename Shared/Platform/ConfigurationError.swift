/// A configuration value that is missing or malformed; names the environment variable.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The environment variable at fault, e.g. `MAILBRIDGE_POSTGRES_URL`.
    public let variable: String
    /// What is wrong with it, without echoing a secret value.
    public let problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "\(variable): \(problem)" }
}

/// Every problem found while reading one service's configuration, reported together so an
/// operator fixes them in one go.
public struct ConfigurationErrors: Error, CustomStringConvertible, Sendable {
    public let errors: [ConfigurationError]
    public var description: String {
        "invalid configuration:\n" + errors.map { "  - \($0)" }.joined(separator: "\n")
    }
}
