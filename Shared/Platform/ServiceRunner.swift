import Logging
import ServiceLifecycle

/// Runs an executable's long-running parts as one `ServiceGroup`: started in order, shut down
/// in reverse on SIGTERM or SIGINT, with a bounded graceful-shutdown time after which the
/// remaining services are cancelled.
public enum ServiceRunner {
    /// Runs `services` until a signal or until one of them ends.
    public static func run(
        _ services: [any Service], gracefulShutdownTimeout: Duration = .seconds(30), logger: Logger
    ) async throws {
        try await makeGroup(services, gracefulShutdownTimeout: gracefulShutdownTimeout, logger: logger).run()
    }

    /// The group `run` uses, for callers (and tests) that trigger shutdown themselves.
    public static func makeGroup(
        _ services: [any Service], gracefulShutdownTimeout: Duration = .seconds(30), logger: Logger
    ) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulShutdownTimeout
        return ServiceGroup(configuration: configuration)
    }
}
