import Foundation
import Logging
import Metrics
import Postgres
import ServiceLifecycle

/// Produces parked mail to `mail.outbound` again once the tenant's capacity allows it.
///
/// Every `interval`, for each tenant with parked mail: take its plan (or `defaultPlan`) and this
/// month's usage, and walk its parked requests in the order they were parked; while the next
/// one's messages and bytes still fit in what is left, publish it (same `requestID`, only its
/// remaining recipients) and mark it released. The walk stops at the first that does not fit, so
/// mail is released in order. The releaser only checks; the sender reserves when it sends.
///
/// At-least-once: a request is marked released only after the broker acknowledged it; a failure
/// leaves it parked for the next round, and a crash between the two publishes it again, which
/// the sender's ledger (tenant, request id, recipient) makes harmless. Two releasers never work
/// on one tenant at once: they take turns on a per-tenant advisory lock, and the second finds
/// what the first released already gone.
///
/// It also retries usage alerts whose publication failed (``UsageAlertMailer/retryUnpublished(olderThan:tenant:)``).
public struct ParkedMailReleaser: Service {
    private let pool: PostgresPool
    private let parked: ParkedMailStore
    private let plans: PlanDirectory
    private let publish: OutboundPublish
    private let alerts: UsageAlertMailer?
    private let defaultPlan: CapacityPlan
    private let interval: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger

    /// - Parameters:
    ///   - pool: needs at least two connections (one holds the tenant's lock).
    ///   - defaultPlan: the plan of tenants without a `tenant_plans` row (as given to ``PlanCapacity``).
    ///   - interval: the pause between rounds.
    public init(
        pool: PostgresPool, parked: ParkedMailStore, publish: @escaping OutboundPublish, alerts: UsageAlertMailer?,
        defaultPlan: CapacityPlan = .unlimited, interval: Duration = .seconds(5), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger
    ) {
        self.pool = pool
        self.parked = parked
        self.plans = PlanDirectory(pool: pool)
        self.publish = publish
        self.alerts = alerts
        self.defaultPlan = defaultPlan
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// Runs rounds until graceful shutdown; a failed round is logged and the next one tries again.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.round()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One round over every tenant with parked mail, then the unpublished alerts.
    /// - Returns: how many requests were released.
    @discardableResult
    public func round() async -> Int {
        var released = 0
        do {
            for tenant in try await parked.tenantsWaiting() {
                do {
                    released += try await releaseNow(tenant: tenant)
                } catch {
                    logger.error("releasing parked mail failed; it stays parked", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
                }
            }
        } catch {
            logger.error("listing tenants with parked mail failed", metadata: ["error": "\(error)"])
        }
        if let alerts {
            do {
                try await alerts.retryUnpublished()
            } catch {
                logger.error("retrying unpublished usage alerts failed", metadata: ["error": "\(error)"])
            }
        }
        return released
    }

    /// Releases the tenant's parked mail that fits its capacity now, in order of parking.
    /// - Returns: how many requests were released.
    /// - Throws: when publishing fails (what was published before stays released), or the
    ///   database fails.
    @discardableResult
    public func releaseNow(tenant: String) async throws -> Int {
        try await pool.withConnection { lockConnection in
            let lockKey = "mailbridge.parked_mail:" + tenant
            try await lockConnection.query("SELECT pg_advisory_lock(hashtextextended(\(lockKey), 0))")
            do {
                let count = try await releaseLocked(tenant: tenant)
                try await lockConnection.query("SELECT pg_advisory_unlock(hashtextextended(\(lockKey), 0))")
                return count
            } catch {
                // A failed unlock means the connection is gone, which releases the lock too.
                _ = try? await lockConnection.query("SELECT pg_advisory_unlock(hashtextextended(\(lockKey), 0))")
                throw error
            }
        }
    }

    private func releaseLocked(tenant: String) async throws -> Int {
        // Decide how many fit from the sizes alone: an exhausted tenant's mail is not opened.
        let sizes = try await parked.waitingSizes(tenant: tenant)
        guard !sizes.isEmpty else { return 0 }
        let plan = try await plans.plan(tenant: tenant) ?? defaultPlan
        let used = try await plans.usage(tenant: tenant, month: UsageMonth.of(now()))
        var messagesLeft = plan.messagesPerMonth.map { $0 - used.messages }
        var bytesLeft = plan.bytesPerMonth.map { $0 - used.bytes }
        var fitting = 0
        for size in sizes {
            if let left = messagesLeft, size.messages > left { break }
            if let left = bytesLeft, size.bytes > left { break }
            messagesLeft = messagesLeft.map { $0 - size.messages }
            bytesLeft = bytesLeft.map { $0 - size.bytes }
            fitting += 1
        }
        guard fitting > 0 else { return 0 }
        // Under the tenant's lock only newer rows can appear, so these are the same oldest ones.
        var released = 0
        for item in try await parked.waiting(tenant: tenant, limit: fitting) {
            try await publish(item.request)
            try await pool.query("UPDATE parked_mail SET released_at = now() WHERE id = \(item.id) AND released_at IS NULL")
            released += 1
        }
        Counter(label: "mailbridge_parked_mail_released_total").increment(by: released)
        logger.info("released parked mail", metadata: ["tenant": "\(tenant)", "released": "\(released)", "waiting": "\(sizes.count - released)"])
        return released
    }
}
