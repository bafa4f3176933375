import Foundation
import Logging
import ServiceLifecycle

/// Runs ``DeliveryRetention/purge(olderThan:)`` now and then, for records older than `retention`.
/// A failed purge is logged and tried again at the next interval.
public struct DeliveryRetentionService: Service {
    private let retention: DeliveryRetention
    private let keep: Duration
    private let interval: Duration
    private let logger: Logger

    public init(retention: DeliveryRetention, keep: Duration = DeliveryRetention.defaultRetention, interval: Duration = .seconds(3600), logger: Logger) {
        self.retention = retention
        self.keep = keep
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let cutoff = Date().addingTimeInterval(-Double(keep.components.seconds))
                do {
                    let result = try await retention.purge(olderThan: cutoff)
                    if result != DeliveryRetention.Result(ledgerRows: 0, historyRows: 0, objects: 0) {
                        logger.info(
                            "delivery records purged",
                            metadata: ["ledger": "\(result.ledgerRows)", "history": "\(result.historyRows)", "objects": "\(result.objects)"])
                    }
                } catch {
                    logger.error("delivery retention purge failed; retried at the next interval", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
