import Synchronization
import Testing

@testable import Messaging

@Suite struct DeadlineTimerTests {
    /// Counts firings per name.
    final class Fired: Sendable {
        private let names = Mutex<[String]>([])
        func record(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    @Test("a registration fires once after its instant; a cancelled one never; the timer starts again after going idle")
    func firesAndCancels() async throws {
        let timer = DeadlineTimer(tick: .milliseconds(10))
        let fired = Fired()
        let start = ContinuousClock.now
        _ = timer.schedule(at: start + .milliseconds(30)) { fired.record("due") }
        let cancelled = timer.schedule(at: start + .milliseconds(30)) { fired.record("cancelled") }
        let later = timer.schedule(at: start + .seconds(60)) { fired.record("later") }
        timer.cancel(cancelled)
        #expect(fired.all.isEmpty)
        try await waitUntil { fired.all == ["due"] }
        #expect(ContinuousClock.now - start >= .milliseconds(30))
        try await Task.sleep(for: .milliseconds(100))
        #expect(fired.all == ["due"])
        timer.cancel(later)

        let idle = DeadlineTimer(tick: .milliseconds(10))
        _ = idle.schedule(at: .now) { fired.record("first") }
        try await waitUntil { fired.all.contains("first") }
        try await Task.sleep(for: .milliseconds(50))  // nothing waits: the ticking task has ended
        _ = idle.schedule(at: .now + .milliseconds(20)) { fired.record("second") }
        try await waitUntil { fired.all.contains("second") }
    }

    @Test("newTraceparent gives well-formed, distinct W3C traceparents")
    func traceparents() {
        let values = (0..<100).map { _ in EventPublisher.newTraceparent() }
        #expect(values.allSatisfy(EventPublisher.isTraceparent))
        #expect(Set(values).count == values.count)
        #expect(values.allSatisfy { $0.hasPrefix("00-") && $0.hasSuffix("-01") && $0.count == 55 })
    }

    /// Waits for `condition`; the bound is generous because a loaded test run (hundreds of tests
    /// on two cores) can hold the concurrency threads the timer's task needs for seconds.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within 30 s")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
