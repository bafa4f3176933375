/// An outcome decided at once, or work that reports it later.
public enum PendingOutcome: Sendable {
    case decided(ReceiptOutcome)
    /// Call it once with a callback: it starts the work, which calls the callback exactly once
    /// with the outcome, on whichever thread finishes it (the broker's delivery report, a task).
    case reported(@Sendable (@escaping @Sendable (ReceiptOutcome) -> Void) -> Void)

    /// Asynchronous work, run in a task of its own, as a `.reported` outcome.
    static func later(_ work: @escaping @Sendable () async -> ReceiptOutcome) -> PendingOutcome {
        .reported { done in Task { done(await work()) } }
    }
}
