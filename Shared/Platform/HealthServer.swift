import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// A readiness check: returns normally when the dependency is usable, throws with the reason
/// otherwise (for instance "database unreachable").
public struct ReadinessCheck: Sendable {
    public let name: String
    public let check: @Sendable () async throws -> Void

    public init(name: String, check: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.check = check
    }
}

/// Serves `/healthz` (the process is alive), `/readyz` (every readiness check passes; 503 with
/// the failing names otherwise) and `/metrics` (Prometheus text) on its own port.
public struct HealthServer: Service {
    private let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - host: address to bind; loopback unless the orchestrator probes from outside.
    ///   - port: the port; 0 picks a free one.
    ///   - registry: where the process's metrics are collected (see `MailbridgeMetrics`).
    ///   - onServerRunning: called with the bound port once listening.
    public init(
        host: String = "127.0.0.1", port: Int, checks: [ReadinessCheck], registry: PrometheusCollectorRegistry,
        logger: Logger, onServerRunning: (@Sendable (Int) async -> Void)? = nil
    ) {
        let router = Router()
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { _, _ -> Response in
            var failures = [String]()
            for check in checks {
                do {
                    try await check.check()
                } catch {
                    logger.warning("readiness check failed", metadata: ["check": "\(check.name)", "error": "\(error)"])
                    failures.append(check.name)
                }
            }
            let body = failures.isEmpty ? "ready\n" : "not ready: \(failures.joined(separator: ", "))\n"
            return Response(
                status: failures.isEmpty ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("metrics") { _, _ -> Response in
            var buffer = [UInt8]()
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "mailbridge"),
            onServerRunning: { channel in await onServerRunning?(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }
}

/// Process-wide metrics set-up.
public enum MailbridgeMetrics {
    /// Creates the Prometheus registry and makes swift-metrics report into it. Call once.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
