/// A usage threshold a tenant reached in a month: recorded once in `usage_alerts_sent`, mailed
/// to its contacts by ``UsageAlertMailer``.
public struct UsageAlert: Sendable, Equatable {
    /// What is counted.
    public enum Metric: String, Sendable, CaseIterable {
        case messages
        case bytes
    }

    public var metric: Metric
    /// The percentage reached (1…100).
    public var threshold: Int
    /// What was used when it was reached.
    public var used: Int
    /// The plan's limit then.
    public var allowed: Int

    public init(metric: Metric, threshold: Int, used: Int, allowed: Int) {
        self.metric = metric
        self.threshold = threshold
        self.used = used
        self.allowed = allowed
    }

    /// The request id of the alert mail of `tenant`'s `month`: stable, so the sender's ledger
    /// (tenant, request id, recipient) never mails it twice, however often it is published.
    func requestID(month: String) -> String {
        "usage-alert.\(month).\(metric.rawValue).\(threshold)"
    }

    /// Reads the `metric:threshold:used:allowed,…` list the reserve statement returns.
    static func parseList(_ text: String) throws -> [UsageAlert] {
        try text.split(separator: ",").map { item in
            let fields = item.split(separator: ":")
            guard fields.count == 4, let metric = Metric(rawValue: String(fields[0])), let threshold = Int(fields[1]),
                let used = Int(fields[2]), let allowed = Int(fields[3])
            else { throw DeliveryError("usage alerts: cannot read \(item)") }
            return UsageAlert(metric: metric, threshold: threshold, used: used, allowed: allowed)
        }
    }

    /// Of several alerts reached at once, the highest threshold per metric: the one worth a mail.
    static func highestPerMetric(_ alerts: [UsageAlert]) -> [UsageAlert] {
        Metric.allCases.compactMap { metric in
            alerts.filter { $0.metric == metric }.max { $0.threshold < $1.threshold }
        }
    }
}
