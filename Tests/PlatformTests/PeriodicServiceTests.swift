import Logging
import Platform
import ServiceLifecycle
import Synchronization
import Testing

@Suite("PeriodicService")
struct PeriodicServiceTests {
    @Test("runs its work repeatedly, goes on after a failure, and stops on graceful shutdown")
    func repeatsAndSurvivesFailures() async throws {
        let runs = Mutex(0)
        var logger = Logger(label: "periodic-test")
        logger.logLevel = .critical
        let service = PeriodicService(name: "test work", interval: .milliseconds(20), logger: logger) {
            let count = runs.withLock { value -> Int in
                value += 1
                return value
            }
            if count == 2 { throw CancellationError() }
        }
        let group = ServiceGroup(services: [service], logger: logger)
        let task = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(10)
        while runs.withLock({ $0 }) < 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        await group.triggerGracefulShutdown()
        try await task.value
        #expect(runs.withLock { $0 } >= 4)
    }
}
