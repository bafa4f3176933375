import Encryption
import Foundation
import Logging
import Messaging
import Postgres

/// The ``CapacityGate`` of plan capacity, over `tenant_plans`, `usage` and `parked_mail`.
///
/// `reserve` is one SQL statement (see ``ReserveStatement``): it counts the request into the
/// month's `usage` row only if the result stays within the plan, so any number of sender
/// instances reserving at once never exceed it. A tenant without a plan row gets
/// `defaultPlan`. When a reservation reaches an alert threshold for the first time in the month,
/// the one reserver that recorded it mails the alert through `alerts`.
///
/// Usage alert mails (`kind == .usageAlert`) must not be reserved by the sender: they are never
/// held back by an exhausted plan, and are not counted.
public struct PlanCapacity: CapacityGate {
    private let pool: PostgresPool
    private let parked: ParkedMailStore
    private let alerts: UsageAlertMailer?
    private let defaultPlan: CapacityPlan
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// - Parameters:
    ///   - alerts: mails usage alerts; nil records them without mailing (they are retried by
    ///     whoever runs ``UsageAlertMailer/retryUnpublished(olderThan:tenant:)``).
    ///   - defaultPlan: the plan of tenants without a `tenant_plans` row.
    ///   - now: the clock that picks the month.
    public init(
        pool: PostgresPool, parked: ParkedMailStore, alerts: UsageAlertMailer?, defaultPlan: CapacityPlan = .unlimited,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.pool = pool
        self.parked = parked
        self.alerts = alerts
        self.defaultPlan = defaultPlan
        self.now = now
        self.logger = logger
    }

    public func reserve(tenant: String, messages: Int, bytes: Int) async throws -> CapacityDecision {
        guard messages >= 0, bytes >= 0 else {
            throw DeliveryError("reserve for tenant \(tenant): messages and bytes must be 0 or more, got \(messages) and \(bytes)")
        }
        let month = UsageMonth.of(now())
        let outcome: ReserveStatement.Outcome
        do {
            outcome = try await ReserveStatement.run(
                on: pool, tenant: tenant, month: month, messages: messages, bytes: bytes, defaultPlan: defaultPlan)
        } catch let error as PostgresError where error.sqlState == "23503" {
            throw DeliveryError("reserve: tenant \(tenant) has no tenants row")
        }
        guard outcome.granted else {
            return .exhausted(reason: outcome.exhaustedReason(month: month, messages: messages, bytes: bytes))
        }
        if !outcome.newAlerts.isEmpty, let alerts {
            do {
                try await alerts.send(outcome.newAlerts, tenant: tenant, month: month, now: now())
            } catch {
                // The reservation stands; the alert stays unpublished and is retried.
                logger.error(
                    "usage alert could not be published; it will be retried",
                    metadata: ["tenant": "\(tenant)", "month": "\(month)", "error": "\(error)"])
            }
        }
        return .granted
    }

    public func park(_ request: OutboundMailRequest, recipients: [String], reason: String) async throws {
        try await parked.park(request, recipients: recipients, reason: reason)
    }
}
