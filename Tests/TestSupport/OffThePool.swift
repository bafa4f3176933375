import Foundation

/// Runs `work` on a thread of its own, so that blocking calls (waiting for a subprocess, reading
/// a pipe) never hold one of the few threads of Swift's cooperative pool.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try work() })
        }.start()
    }
}
