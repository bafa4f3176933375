import Synchronization

/// Counts requests in progress and refuses new ones beyond a bound, so a slow broker turns into
/// 503s (which Jira retries) instead of unbounded memory.
final class InFlightLimit: Sendable {
    private let maximum: Int
    private let current = Mutex(0)

    init(maximum: Int) {
        self.maximum = max(1, maximum)
    }

    /// Runs `body` when under the bound; returns nil without running it otherwise.
    func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T? {
        let entered = current.withLock { count -> Bool in
            guard count < maximum else { return false }
            count += 1
            return true
        }
        guard entered else { return nil }
        defer { current.withLock { $0 -= 1 } }
        return try await body()
    }
}
