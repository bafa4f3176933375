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
        guard enter() else { return nil }
        defer { leave() }
        return try await body()
    }

    /// Takes a place when under the bound (then `leave()` must follow exactly once); false when
    /// the bound is reached.
    func enter() -> Bool {
        current.withLock { count -> Bool in
            guard count < maximum else { return false }
            count += 1
            return true
        }
    }

    /// Gives back a place taken by `enter()`.
    func leave() {
        current.withLock { $0 -= 1 }
    }
}
