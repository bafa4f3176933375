import Synchronization

/// Runs work that cannot be cancelled (a Kafka send waiting for its delivery report) with a
/// deadline for the caller: the caller gets the result, or `DeadlineExceeded` once `limit`
/// passes (up to one `DeadlineTimer` tick later), whichever comes first. The work itself goes on
/// to its own end in the background.
public enum Deadline {
    public struct Exceeded: Error, CustomStringConvertible {
        public let limit: Duration
        public var description: String { "no result within \(limit)" }
    }

    public static func run<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let slot = ResumeOnce<T>()
        return try await withCheckedThrowingContinuation { continuation in
            slot.install(continuation)
            let timer = DeadlineTimer.shared.schedule(at: .now + limit) {
                slot.resume(with: .failure(Exceeded(limit: limit)))
            }
            Task {
                let result: Result<T, any Error>
                do {
                    result = .success(try await work())
                } catch {
                    result = .failure(error)
                }
                DeadlineTimer.shared.cancel(timer)
                slot.resume(with: result)
            }
        }
    }
}

/// A continuation resumed by whichever of several racers comes first; the others are ignored.
final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(with result: Result<T, any Error>) {
        let waiting = continuation.withLock { slot -> CheckedContinuation<T, any Error>? in
            defer { slot = nil }
            return slot
        }
        waiting?.resume(with: result)
    }
}
