import Logging
import Synchronization

/// Logs a failure that may repeat per request (the broker down, the database gone) at most
/// once per `interval` per kind: the first one at once; later ones within the interval are
/// counted, and the count is written when the interval ends (with the next failure's details
/// if one comes after it, else on its own). A broker outage then costs a few lines, not one per
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
        enum Step {
            case write(heldBack: Int)
            case count(flushAt: ContinuousClock.Instant?)
        }
        let step = pending.withLock { entries -> Step in
            guard let entry = entries[message], now - entry.loggedAt < interval else {
                let earlier = entries[message]?.suppressed ?? 0
                entries[message] = Pending(loggedAt: now)
                return .write(heldBack: earlier)
            }
            entries[message]?.suppressed += 1
            // The first one held back in this interval arranges for the count to be written.
            return .count(flushAt: entry.suppressed == 0 ? entry.loggedAt + interval : nil)
        }
        switch step {
        case .write(let heldBack):
            var lineMetadata = metadata()
            if heldBack > 0 { lineMetadata["repeatedSinceLastLine"] = "\(heldBack)" }
            logger.error("\(message)", metadata: lineMetadata)
            return true
        case .count(let flushAt?):
            Task { [self] in
                try? await Task.sleep(until: flushAt)
                flush(message)
            }
            return false
        case .count(nil):
            return false
        }
    }

    /// Writes how many failures of `message` were held back since its last line, if any still
    /// are and its interval has ended, and starts a new interval.
    func flush(_ message: String, now: ContinuousClock.Instant = .now) {
        let heldBack = pending.withLock { entries -> Int in
            guard let entry = entries[message], entry.suppressed > 0, now - entry.loggedAt >= interval else { return 0 }
            entries[message] = Pending(loggedAt: now)
            return entry.suppressed
        }
        guard heldBack > 0 else { return }
        logger.error("\(message)", metadata: ["repeatedSinceLastLine": "\(heldBack)"])
    }
}
