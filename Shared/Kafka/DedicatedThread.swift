import Foundation
import Synchronization

/// Runs blocking librdkafka calls (poll with a timeout, flush, close, admin requests) on a thread
/// of its own, never on Swift's cooperative pool, where a blocked thread would stall every task.
enum DedicatedThread {
    /// Starts `body` on a new thread; the returned task completes when it returns.
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Task<Void, Never> {
        let (done, continuation) = AsyncStream.makeStream(of: Void.self)
        let thread = Thread {
            body()
            continuation.finish()
        }
        thread.name = name
        thread.start()
        return Task { for await _ in done {} }
    }

    /// Runs one blocking call on a new thread and returns its result.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = name
            thread.start()
        }
    }
}

/// A flag one side raises and a polling thread reads; a class so closures can share it.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)
    var isRaised: Bool { raised.load(ordering: .acquiring) }
    func raise() { raised.store(true, ordering: .releasing) }
}
