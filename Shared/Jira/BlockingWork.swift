import Foundation

/// Runs small blocking work (reading a file) on a thread of its own, never on Swift's
/// cooperative pool, whose few threads every task shares.
enum BlockingWork {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
