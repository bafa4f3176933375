import Logging
import ServiceLifecycle

/// Runs an executable's long-running parts as one `ServiceGroup`: started in order, shut down
/// in reverse on SIGTERM or SIGINT, with a bounded graceful-shutdown time after which the
/// remaining services are cancelled.
public enum ServiceRunner {
    public static func run(
        _ services: [any Service], gracefulShutdownTimeout: Duration = .seconds(30), logger: Logger
    ) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulShutdownTimeout
        try await ServiceGroup(configuration: configuration).run()
    }
}
