import Foundation
import Logging
import ServiceLifecycle

/// Runs ``CapacityRetention/purge(now:)`` every `interval` until graceful shutdown. A failed purge
/// is logged and tried again at the next interval.
public struct CapacityRetentionService: Service {
    private let retention: CapacityRetention
    private let interval: Duration
    private let logger: Logger

    public init(retention: CapacityRetention, interval: Duration = .seconds(3600), logger: Logger) {
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let purged = try await retention.purge(now: Date())
                    if purged != CapacityRetention.Purged() {
                        logger.info(
                            "plan capacity records purged",
                            metadata: [
                                "usage_months": "\(purged.usageMonths)", "alerts": "\(purged.alerts)", "parked_mail": "\(purged.parkedMail)",
                                "billing_contacts": "\(purged.billingContacts)",
                            ])
                    }
                } catch {
                    logger.error("plan capacity purge failed; retried at the next interval", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
