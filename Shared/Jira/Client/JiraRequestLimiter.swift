/// Bounds how many requests run at once against each Jira site, and holds a site's requests
/// back while Jira has asked us to wait (`429` with `Retry-After`).
///
/// Guarantees: at most ``maxConcurrentRequestsPerSite`` permits are out per site; waiters of a
/// site get permits in arrival order; a site's limit or pause never delays another site; a
/// waiting task that is cancelled stops waiting and throws `CancellationError`.
///
/// Share one limiter among all ``JiraClient``s of a process so the bound is per site, not per
/// client.
public actor JiraRequestLimiter {
    public nonisolated let maxConcurrentRequestsPerSite: Int

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct SiteState {
        var running = 0
        var waiters: [Waiter] = []
        var pausedUntil: ContinuousClock.Instant?
    }

    private var sites: [String: SiteState] = [:]
    private var nextWaiterID: UInt64 = 0

    /// A limiter allowing `maxConcurrentRequestsPerSite` (at least 1) requests per site at once.
    public init(maxConcurrentRequestsPerSite: Int = 4) {
        self.maxConcurrentRequestsPerSite = max(1, maxConcurrentRequestsPerSite)
    }

    /// Runs `body` holding one of `site`'s permits; waits for a permit, then for any pause of
    /// the site to end.
    ///
    /// - Throws: `CancellationError` when cancelled while waiting; whatever `body` throws.
    public nonisolated func withPermit<T: Sendable>(site: String, _ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire(site)
        do {
            try await waitForPause(site)
            let value = try await body()
            await release(site)
            return value
        } catch {
            await release(site)
            throw error
        }
    }

    /// Holds back `site`'s requests that have not started for `duration` from now (extending,
    /// never shortening, a pause already in force).
    public func pause(site: String, for duration: Duration) {
        let until = ContinuousClock.now + duration
        var state = sites[site, default: SiteState()]
        if let current = state.pausedUntil, current >= until { return }
        state.pausedUntil = until
        sites[site] = state
    }

    /// Permits of `site` in use now (for tests and metrics).
    public func running(site: String) -> Int {
        sites[site]?.running ?? 0
    }

    /// Tasks waiting for a permit of `site` now (for tests and metrics).
    public func waiting(site: String) -> Int {
        sites[site]?.waiters.count ?? 0
    }

    private func acquire(_ site: String) async throws {
        try Task.checkCancellation()
        var state = sites[site, default: SiteState()]
        if state.running < maxConcurrentRequestsPerSite, state.waiters.isEmpty {
            state.running += 1
            sites[site] = state
            return
        }
        let id = nextWaiterID
        nextWaiterID += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                sites[site, default: SiteState()].waiters.append(Waiter(id: id, continuation: continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(site: site, id: id) }
        }
    }

    private func cancelWaiter(site: String, id: UInt64) {
        guard let index = sites[site]?.waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = sites[site]!.waiters.remove(at: index)
        waiter.continuation.resume(throwing: CancellationError())
        forgetIfIdle(site)
    }

    private func release(_ site: String) {
        guard var state = sites[site] else { return }
        if !state.waiters.isEmpty {
            let next = state.waiters.removeFirst()
            // The permit passes straight to the next waiter: `running` stays the same.
            sites[site] = state
            next.continuation.resume()
        } else {
            state.running -= 1
            sites[site] = state
            forgetIfIdle(site)
        }
    }

    private func waitForPause(_ site: String) async throws {
        while let until = sites[site]?.pausedUntil, until > ContinuousClock.now {
            try await Task.sleep(until: until, clock: .continuous)
        }
    }

    private func forgetIfIdle(_ site: String) {
        guard let state = sites[site], state.running == 0, state.waiters.isEmpty else { return }
        if let until = state.pausedUntil, until > ContinuousClock.now { return }
        sites[site] = nil
    }
}
