/// How often and how patiently a transient SMTP failure is retried inside the tenant's lane.
public struct RetryPolicy: Sendable, Equatable {
    /// Sends tried in all, the first included (1 = no retry).
    public var maximumAttempts: Int
    /// The wait before the second attempt; doubled for each later one.
    public var initialDelay: Duration
    /// The longest wait between two attempts.
    public var maximumDelay: Duration

    public init(maximumAttempts: Int = 5, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(60)) {
        precondition(maximumAttempts >= 1, "a retry policy needs at least one attempt")
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait after failed attempt `attempt` (1-based): exponential, capped, with "full jitter"
    /// between half and all of it so that many lanes do not retry in step.
    public func delay(after attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let base = min(initialDelay * (1 << exponent), maximumDelay)
        return base * Double.random(in: 0.5...1.0)
    }
}
