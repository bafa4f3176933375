import Synchronization
import Testing

@testable import Delivery

@Suite("SMTPSessionLimit: a tenant's max_connections")
struct SMTPSessionLimitTests {
    /// Counts sessions running at once, and the most seen.
    final class Gauge: Sendable {
        private let state = Mutex<(now: Int, most: Int)>((0, 0))
        func enter() { state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var most: Int { state.withLock { $0.most } }
    }

    private func run(_ count: Int, tenant: String, limit: Int?, on sessions: SMTPSessionLimit, gauge: Gauge) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await sessions.withSession(tenant: tenant, limit: limit) {
                        gauge.enter()
                        try? await Task.sleep(for: .milliseconds(30))
                        gauge.leave()
                    }
                }
            }
        }
    }

    @Test("never more sessions at once than the limit, and all of them run")
    func bounds() async {
        for limit in [1, 2, 3] {
            let sessions = SMTPSessionLimit()
            let gauge = Gauge()
            await run(8, tenant: "t1", limit: limit, on: sessions, gauge: gauge)
            #expect(gauge.most == limit, "limit \(limit)")
            #expect(await sessions.openSessions(tenant: "t1") == 0)
        }
    }

    @Test("without a limit sessions overlap; another tenant's limit does not hold them")
    func unlimitedAndIndependent() async {
        let sessions = SMTPSessionLimit()
        let free = Gauge()
        let held = Gauge()
        async let limited: Void = run(6, tenant: "t1", limit: 1, on: sessions, gauge: held)
        async let unlimited: Void = run(6, tenant: "t2", limit: nil, on: sessions, gauge: free)
        _ = await (limited, unlimited)
        #expect(held.most == 1)
        #expect(free.most > 1)
    }

    @Test("a session that throws gives its slot back")
    func throwingSession() async {
        struct Failure: Error {}
        let sessions = SMTPSessionLimit()
        for _ in 0..<3 {
            await #expect(throws: Failure.self) {
                try await sessions.withSession(tenant: "t1", limit: 1) { throw Failure() }
            }
        }
        #expect(await sessions.openSessions(tenant: "t1") == 0)
        let gauge = Gauge()
        await run(3, tenant: "t1", limit: 1, on: sessions, gauge: gauge)
        #expect(gauge.most == 1)
    }
}
