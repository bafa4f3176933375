/// A tenant's monthly allowance: how many messages and bytes it may send per calendar month (UTC),
/// and at which percentages of either its contacts hear about it.
///
/// A mail to N recipients counts N messages and N × its size in bytes (each recipient is its own
/// SMTP transaction).
public struct CapacityPlan: Sendable, Equatable {
    /// Messages per month; nil is unlimited.
    public var messagesPerMonth: Int?
    /// Bytes per month; nil is unlimited.
    public var bytesPerMonth: Int?
    /// Percentages (1…100) of either limit at which a usage alert goes out; 100 is always added.
    public var alertThresholds: [Int]

    /// The thresholds of a plan that names none.
    public static let defaultAlertThresholds = [80]

    /// No limits: what a tenant without a `tenant_plans` row gets unless configured otherwise.
    public static let unlimited = CapacityPlan(messagesPerMonth: nil, bytesPerMonth: nil)

    /// Call ``validate()`` before storing a plan read from input.
    public init(messagesPerMonth: Int?, bytesPerMonth: Int?, alertThresholds: [Int] = CapacityPlan.defaultAlertThresholds) {
        self.messagesPerMonth = messagesPerMonth
        self.bytesPerMonth = bytesPerMonth
        self.alertThresholds = alertThresholds
    }

    /// Checks the values the database would also refuse, with a message naming the bad one.
    public func validate() throws {
        if let messagesPerMonth, messagesPerMonth < 0 {
            throw DeliveryError("plan: messages per month must be 0 or more, got \(messagesPerMonth)")
        }
        if let bytesPerMonth, bytesPerMonth < 0 {
            throw DeliveryError("plan: bytes per month must be 0 or more, got \(bytesPerMonth)")
        }
        if let bad = alertThresholds.first(where: { !(1...100).contains($0) }) {
            throw DeliveryError("plan: alert thresholds are percentages 1…100, got \(bad)")
        }
    }

    /// The thresholds as a PostgreSQL array literal, e.g. `{80,95}`.
    var thresholdsLiteral: String {
        "{" + alertThresholds.map(String.init).joined(separator: ",") + "}"
    }

    /// Reads a PostgreSQL `integer[]` in text form (`{80,95}`).
    static func thresholds(fromLiteral text: String) throws -> [Int] {
        guard text.count >= 2, text.hasPrefix("{"), text.hasSuffix("}") else {
            throw DeliveryError("alert thresholds: not an integer array: \(text)")
        }
        let inner = text.dropFirst().dropLast()
        if inner.isEmpty { return [] }
        return try inner.split(separator: ",").map { part in
            guard let value = Int(part) else { throw DeliveryError("alert thresholds: \(part) is not a whole number") }
            return value
        }
    }
}
