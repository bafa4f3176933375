import Foundation
import Synchronization

/// The end of a subprocess, seen through its `terminationHandler`, so a task can wait for it
/// without blocking a thread (`waitUntilExit()` would hold one of the cooperative pool's few).
///
/// Create it before `run()`: a handler installed later can miss an early exit.
public final class ProcessExit: Sendable {
    private enum State {
        case running([@Sendable (Int32) -> Void])
        case exited(Int32)
    }

    private let state = Mutex(State.running([]))

    /// Observes `process`, which must not have been started yet; replaces its `terminationHandler`.
    public init(of process: Process) {
        process.terminationHandler = { [self] process in finish(process.terminationStatus) }
    }

    /// The exit status (or signal number), once the process has ended.
    public var status: Int32 {
        get async { await withCheckedContinuation { continuation in whenExited { continuation.resume(returning: $0) } } }
    }

    /// Calls `body` with the exit status when the process ends, or now if it has ended.
    public func whenExited(_ body: @escaping @Sendable (Int32) -> Void) {
        let status: Int32? = state.withLock { state in
            switch state {
            case .running(let waiting):
                state = .running(waiting + [body])
                return nil
            case .exited(let status):
                return status
            }
        }
        if let status { body(status) }
    }

    private func finish(_ status: Int32) {
        let waiting: [@Sendable (Int32) -> Void] = state.withLock { state in
            guard case .running(let waiting) = state else { return [] }
            state = .exited(status)
            return waiting
        }
        for body in waiting { body(status) }
    }
}
