import Curl
import Foundation
import Logging
import Metrics
import Platform
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// A readiness state a test flips.
final class Readiness: Sendable {
    private let ready = Mutex(true)
    func set(_ value: Bool) { ready.withLock { $0 = value } }
    var isReady: Bool { ready.withLock { $0 } }
}

struct NotReady: Error {}

@Suite("Health server")
struct HealthServerTests {
    @Test("/healthz, /readyz and /metrics answer over a real socket")
    func endpoints() async throws {
        let registry = PrometheusCollectorRegistry()
        Counter(label: "mailbridge_test_events_total", factory: PrometheusMetricsFactory(registry: registry)).increment(by: 3)
        let readiness = Readiness()
        let port = AsyncStream.makeStream(of: Int.self)
        let server = HealthServer(
            port: 0,
            checks: [ReadinessCheck(name: "database") { if !readiness.isReady { throw NotReady() } }],
            registry: registry, logger: Logger(label: "test")
        ) { bound in port.continuation.yield(bound) }
        let running = Task { try await server.run() }
        var ports = port.stream.makeAsyncIterator()
        let bound = try #require(await ports.next())
        let client = HTTPClient()
        func get(_ path: String) async throws -> HTTPResponse {
            try await client.execute(HTTPRequest(method: .get, url: URL(string: "http://127.0.0.1:\(bound)\(path)")!))
        }

        #expect(try await get("/healthz").status == 200)
        #expect(try await get("/readyz").status == 200)
        readiness.set(false)
        let notReady = try await get("/readyz")
        #expect(notReady.status == 503)
        #expect(String(decoding: notReady.body, as: UTF8.self).contains("database"))
        let metrics = try await get("/metrics")
        #expect(metrics.status == 200)
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("mailbridge_test_events_total 3"))
        #expect(try await get("/nope").status == 404)
        running.cancel()
        _ = try? await running.value
    }
}
