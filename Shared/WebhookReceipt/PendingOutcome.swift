/// An outcome decided at once, or the asynchronous work that decides it.
public enum PendingOutcome: Sendable {
    case decided(ReceiptOutcome)
    case pending(@Sendable () async -> ReceiptOutcome)

    /// The outcome, waiting for the work when there is some.
    public func value() async -> ReceiptOutcome {
        switch self {
        case .decided(let outcome): outcome
        case .pending(let work): await work()
        }
    }
}
