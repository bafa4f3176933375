/// Holds each tenant to its `max_connections` (``SMTPConnection/maximumConnections``): at most
/// that many SMTP sessions of the tenant at once in this process. A session over the limit waits
/// for one to end, in arrival order; a tenant without a limit is bounded only by its lane
/// (`MAILBRIDGE_SENDER_PER_TENANT`).
///
/// The bound is per process: with several sender replicas a tenant may see up to replicas × limit.
/// A slot is held for one SMTP transaction, not across retries' back-off.
actor SMTPSessionLimit {
    private var open: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `session` once `tenant` has fewer than `limit` sessions open (at once when `limit`
    /// is nil).
    nonisolated func withSession<T>(tenant: String, limit: Int?, _ session: () async throws -> T) async rethrows -> T {
        guard let limit else { return try await session() }
        await enter(tenant: tenant, limit: max(1, limit))
        do {
            let value = try await session()
            await leave(tenant: tenant)
            return value
        } catch {
            await leave(tenant: tenant)
            throw error
        }
    }

    /// How many sessions of `tenant` are open now (for tests).
    func openSessions(tenant: String) -> Int { open[tenant] ?? 0 }

    private func enter(tenant: String, limit: Int) async {
        if open[tenant, default: 0] < limit, waiting[tenant] == nil {
            open[tenant, default: 0] += 1
            return
        }
        // `leave` hands its slot over: the count stays, the waiter runs.
        await withCheckedContinuation { waiting[tenant, default: []].append($0) }
    }

    private func leave(tenant: String) {
        if var queue = waiting[tenant], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[tenant] = queue.isEmpty ? nil : queue
            next.resume()
            return
        }
        let remaining = (open[tenant] ?? 1) - 1
        open[tenant] = remaining > 0 ? remaining : nil
    }
}
