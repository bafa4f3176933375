import Jira
import Testing

/// A one-shot signal a test task waits on.
private actor Gate {
    private var opened = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if opened { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        opened = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}

@Suite("Per-site request limiter")
struct JiraRequestLimiterTests {
    /// Waits until `condition` holds (checked every 5 ms, at most 5 s).
    private func eventually(_ condition: () async -> Bool) async throws {
        for _ in 0..<1000 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        Issue.record("condition not reached")
    }

    @Test("a busy site's callers wait; another site's do not")
    func perSite() async throws {
        let limiter = JiraRequestLimiter(maxConcurrentRequestsPerSite: 2)
        let gate = Gate()
        let held = (0..<5).map { _ in
            Task { try await limiter.withPermit(site: "https://a.example") { await gate.wait() } }
        }
        try await eventually {
            let running = await limiter.running(site: "https://a.example")
            let waiting = await limiter.waiting(site: "https://a.example")
            return running == 2 && waiting == 3
        }
        // Site B is not held back by A's queue.
        let other = try await limiter.withPermit(site: "https://b.example") { "b done" }
        #expect(other == "b done")
        #expect(await limiter.running(site: "https://a.example") == 2)
        await gate.open()
        for task in held { try await task.value }
        #expect(await limiter.running(site: "https://a.example") == 0)
        #expect(await limiter.waiting(site: "https://a.example") == 0)
    }

    @Test("waiters are served in arrival order, never more than the limit at once")
    func order() async throws {
        let limiter = JiraRequestLimiter(maxConcurrentRequestsPerSite: 1)
        let gate = Gate()
        let first = Task { try await limiter.withPermit(site: "s") { await gate.wait() } }
        try await eventually { await limiter.running(site: "s") == 1 }
        let log = Log()
        var waiting: [Task<Void, any Error>] = []
        for index in 0..<5 {
            waiting.append(Task { try await limiter.withPermit(site: "s") { await log.append(index) } })
            try await eventually { await limiter.waiting(site: "s") == index + 1 }
        }
        await gate.open()
        try await first.value
        for task in waiting { try await task.value }
        #expect(await log.entries == [0, 1, 2, 3, 4])
    }

    @Test("a cancelled waiter stops waiting and frees its place")
    func cancellation() async throws {
        let limiter = JiraRequestLimiter(maxConcurrentRequestsPerSite: 1)
        let gate = Gate()
        let holder = Task { try await limiter.withPermit(site: "s") { await gate.wait() } }
        try await eventually { await limiter.running(site: "s") == 1 }
        let waiter = Task { try await limiter.withPermit(site: "s") { "ran" } }
        try await eventually { await limiter.waiting(site: "s") == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await limiter.waiting(site: "s") == 0)
        await gate.open()
        try await holder.value
        #expect(try await limiter.withPermit(site: "s") { "after" } == "after")
    }

    @Test("a pause holds a site's new requests until it ends")
    func pause() async throws {
        let limiter = JiraRequestLimiter()
        await limiter.pause(site: "s", for: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        try await limiter.withPermit(site: "s") {}
        #expect(clock.now - start >= .milliseconds(290))
        let other = clock.now
        try await limiter.withPermit(site: "t") {}
        #expect(clock.now - other < .milliseconds(250))
    }
}

private actor Log {
    var entries: [Int] = []
    func append(_ value: Int) { entries.append(value) }
}
