import Testing

@testable import Delivery

@Suite("Plan capacity: plan values and alert text")
struct CapacityPlanTests {
    @Test("thresholds round-trip through PostgreSQL's array text and bad values are named")
    func thresholds() throws {
        let plan = CapacityPlan(messagesPerMonth: 10, bytesPerMonth: nil, alertThresholds: [80, 95])
        #expect(plan.thresholdsLiteral == "{80,95}")
        #expect(try CapacityPlan.thresholds(fromLiteral: "{80,95}") == [80, 95])
        #expect(try CapacityPlan.thresholds(fromLiteral: "{}") == [])
        #expect(throws: DeliveryError.self) { try CapacityPlan.thresholds(fromLiteral: "80,95") }
        #expect(throws: DeliveryError.self) { try CapacityPlan(messagesPerMonth: 1, bytesPerMonth: nil, alertThresholds: [0]).validate() }
        #expect(throws: DeliveryError.self) { try CapacityPlan(messagesPerMonth: -1, bytesPerMonth: nil).validate() }
        try plan.validate()
    }

    @Test("alert amounts read naturally and the highest threshold per metric is mailed")
    func alertText() throws {
        #expect(UsageAlertText.amount(1_234_567, .messages) == "1,234,567 messages")
        #expect(UsageAlertText.amount(999, .bytes) == "999 bytes")
        #expect(UsageAlertText.amount(8_500, .bytes) == "8.5 kB")
        #expect(UsageAlertText.amount(2_000_000_000, .bytes) == "2.0 GB")
        let alert = UsageAlert(metric: .messages, threshold: 100, used: 10, allowed: 10)
        #expect(UsageAlertText.subject(alert) == "Mailbridge: 100 % of this month's messages used")
        #expect(UsageAlertText.text(alert, month: "2026-11").contains("held, not lost"))
        let alerts = try UsageAlert.parseList("messages:50:5:10,messages:80:8:10,bytes:80:80:100")
        #expect(UsageAlert.highestPerMetric(alerts).map(\.threshold) == [80, 80])
        #expect(UsageAlert.highestPerMetric(alerts).map(\.metric) == [.messages, .bytes])
        #expect(throws: DeliveryError.self) { try UsageAlert.parseList("messages:x:1:2") }
    }
}
