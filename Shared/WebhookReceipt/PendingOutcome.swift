/// An outcome decided at once, or the asynchronous work that decides it.
public enum PendingOutcome: Sendable {
    case decided(ReceiptOutcome)
    case pending(@Sendable () async -> ReceiptOutcome)
}
