import Logging
import Platform
import ServiceLifecycle
import Synchronization
import Testing

/// Records when each service started and stopped.
final class Timeline: Sendable {
    private let events = Mutex<[String]>([])
    func record(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }
}

/// A service that runs until graceful shutdown, recording both ends.
struct RecordingService: Service {
    let name: String
    let timeline: Timeline
    func run() async throws {
        timeline.record("start \(name)")
        try? await gracefulShutdown()
        timeline.record("stop \(name)")
    }
}

/// A service that ignores graceful shutdown until cancelled.
struct StubbornService: Service {
    let timeline: Timeline
    func run() async throws {
        timeline.record("start stubborn")
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
        timeline.record("cancelled stubborn")
    }
}

@Suite("ServiceRunner")
struct ServiceRunnerTests {
    @Test("services stop in reverse order on graceful shutdown")
    func reverseOrderShutdown() async throws {
        let timeline = Timeline()
        let group = ServiceRunner.makeGroup(
            [RecordingService(name: "database", timeline: timeline), RecordingService(name: "consumer", timeline: timeline)],
            logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        while timeline.all.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(timeline.all == ["start database", "start consumer", "stop consumer", "stop database"])
    }

    @Test("a service that ignores shutdown is cancelled after the grace time")
    func boundedGraceTime() async throws {
        let timeline = Timeline()
        let group = ServiceRunner.makeGroup(
            [StubbornService(timeline: timeline)], gracefulShutdownTimeout: .milliseconds(200), logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        while timeline.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        #expect(timeline.all == ["start stubborn", "cancelled stubborn"])
    }
}
