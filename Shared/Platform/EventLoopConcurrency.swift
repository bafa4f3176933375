import NIOCore
import NIOPosix

/// Runs Swift concurrency's jobs on SwiftNIO's event loops instead of on a second thread pool.
///
/// NIO reads each request on an event loop; work it hands to a task would, with the default
/// executor, cross threads twice (event loop → cooperative pool → event loop). On a small machine
/// those hops cost more than the work itself (measured in `docs/benchmarks.md`, "Webhook
/// receipt"). Nothing in Mailbridge blocks a concurrency thread:
/// libpq runs on per-connection dispatch queues, librdkafka and libcurl on their own threads.
public enum EventLoopConcurrency {
    /// Installs the event loops as the global executor. Call it first in a service's `main`,
    /// once, from the main thread. Returns false when the runtime did not allow it (the service
    /// then runs on the default executor, only slower).
    @discardableResult
    public static func install() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
