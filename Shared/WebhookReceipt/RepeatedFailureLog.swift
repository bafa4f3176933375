import Logging
import Synchronization

/// Logs a failure that may repeat per request (the broker down, the database gone) at most
/// once per `interval` per kind: the first one at once, later ones as a count with the last
/// error when the interval has passed. A broker outage then costs a few lines, not one per
/// webhook (it once wrote 279,645 lines in eight minutes).
final class RepeatedFailureLog: Sendable {
    private struct Pending {
        var loggedAt: ContinuousClock.Instant
        var suppressed = 0
    }

    private let logger: Logger
    private let interval: Duration
    private let pending = Mutex<[String: Pending]>([:])

    init(logger: Logger, interval: Duration = .seconds(10)) {
        self.logger = logger
        self.interval = interval
    }

    /// Logs `message` at error level now, or counts it when it was logged less than `interval`
    /// ago; returns whether a line was written.
    @discardableResult
    func error(_ message: String, metadata: @autoclosure () -> Logger.Metadata, now: ContinuousClock.Instant = .now) -> Bool {
        let suppressed = pending.withLock { entries -> Int? in
            guard let entry = entries[message], now - entry.loggedAt < interval else {
                let earlier = entries[message]?.suppressed ?? 0
                entries[message] = Pending(loggedAt: now)
                return earlier
            }
            entries[message]?.suppressed += 1
            return nil
        }
        guard let suppressed else { return false }
        var lineMetadata = metadata()
        if suppressed > 0 { lineMetadata["repeatedSinceLastLine"] = "\(suppressed)" }
        logger.error("\(message)", metadata: lineMetadata)
        return true
    }
}
