import Metrics

/// One counter per outcome label, made once: creating a `Counter` asks the metrics factory
/// (a locked look-up) every time, which showed in the drop path's profile.
struct OutcomeCounters: Sendable {
    private let counters: [String: Counter]
    private let label: String

    init(label: String) {
        self.label = label
        let outcomes: [ReceiptOutcome] = [
            .accepted(id: ""), .dropped(.unknownTenant), .dropped(.inactiveTenant), .dropped(.noNotification), .unauthorized,
            .malformed, .tooLarge, .unavailable,
        ]
        counters = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.label, Counter(label: label, dimensions: [("outcome", $0.label)])) })
    }

    func increment(_ outcome: ReceiptOutcome) {
        (counters[outcome.label] ?? Counter(label: label, dimensions: [("outcome", outcome.label)])).increment()
    }
}
