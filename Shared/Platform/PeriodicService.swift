import Logging
import ServiceLifecycle

/// Runs `work` now and then every `interval` until graceful shutdown or cancellation. A failed
/// run is logged (with `name`) and tried again at the next interval; it never stops the service.
/// For housekeeping such as retention purges.
public struct PeriodicService: Service {
    private let name: String
    private let interval: Duration
    private let logger: Logger
    private let work: @Sendable () async throws -> Void

    public init(name: String, interval: Duration, logger: Logger, work: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.work = work
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await work()
                } catch {
                    logger.error("\(name) failed; tried again at the next interval", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
