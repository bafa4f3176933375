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
        try await withCheckedThrowingContinuation { continuation in
            race(within: limit) { done in
                Task {
                    do {
                        done(.success(try await work()))
                    } catch {
                        done(.failure(error))
                    }
                }
            } onDone: { continuation.resume(with: $0) }
        }
    }
}

extension Deadline {
    /// The callback form of `run`, for callers that must not suspend: `start` begins the work
    /// and calls its callback once with the result; `onDone` is called exactly once, with that
    /// result or with `Exceeded` once `limit` passes (up to one `DeadlineTimer` tick later),
    /// whichever comes first, on the thread that brought it.
    public static func race<T: Sendable>(
        within limit: Duration, _ start: (@escaping @Sendable (Result<T, any Error>) -> Void) -> Void,
        onDone: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let once = ReportOnce(onDone)
        let timer = DeadlineTimer.shared.schedule(at: .now + limit) {
            once.report(.failure(Exceeded(limit: limit)))
        }
        start { result in
            DeadlineTimer.shared.cancel(timer)
            once.report(result)
        }
    }
}

/// A callback called by whichever of several racers comes first; the others are ignored.
final class ReportOnce<T: Sendable>: Sendable {
    private let callback: Mutex<(@Sendable (Result<T, any Error>) -> Void)?>

    init(_ callback: @escaping @Sendable (Result<T, any Error>) -> Void) {
        self.callback = Mutex(callback)
    }

    func report(_ result: Result<T, any Error>) {
        let waiting = callback.withLock { slot in
            defer { slot = nil }
            return slot
        }
        waiting?(result)
    }
}
