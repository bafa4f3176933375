import Foundation
import Logging
import Prometheus

/// What every service's settings give the process frame: its log level and the PII hasher its
/// logs use.
public protocol ServiceSettings {
    var logLevel: Logger.Level { get }
    var hasher: PIIHasher { get }
}

/// The frame each Mailbridge service executable runs in:
/// 1. its configuration is read first; a problem is written to standard error and the process
///    exits with status 2;
/// 2. JSON logging (PII hashed) and Prometheus metrics are set up;
/// 3. `start` builds the service's parts and runs them (usually through `ServiceRunner`) until
///    they stop; an error that ends it is logged as critical and the process exits with status 1.
public enum ServiceMain {
    /// Runs on the caller's actor (the main actor of an `@main` type), so the closures are not sent.
    public static func run<Settings: ServiceSettings>(
        _ name: String, isolation: isolated (any Actor)? = #isolation, configuration read: () throws -> Settings,
        _ start: (Settings, PrometheusCollectorRegistry, Logger) async throws -> Void
    ) async {
        let settings: Settings
        do {
            settings = try read()
        } catch {
            FileHandle.standardError.write(Data("\(name): configuration: \(error)\n".utf8))
            exit(2)
        }
        MailbridgeLogging.bootstrap(level: settings.logLevel, hasher: settings.hasher)
        let registry = MailbridgeMetrics.bootstrap()
        let logger = Logger(label: name)
        do {
            try await start(settings, registry, logger)
        } catch {
            logger.critical("\(name) stopped", metadata: ["error": "\(error)"])
            exit(1)
        }
    }
}
