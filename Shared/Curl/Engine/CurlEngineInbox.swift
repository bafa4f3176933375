import DequeModule
import Synchronization

/// The engine's mailbox: tasks post work here under a lock; the engine thread takes it all at once.
final class CurlEngineInbox: Sendable {
    enum Command: Sendable {
        case start(id: UInt64, request: CurlTransferRequest, continuation: CheckedContinuation<CurlTransferOutcome, Never>)
        case cancel(id: UInt64)
    }

    private enum Phase {
        case running
        case shuttingDown
        case stopped
    }

    private struct State {
        var commands: Deque<Command> = []
        var phase = Phase.running
        var nextID: UInt64 = 1
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let multi: CurlMultiHandle

    init(multi: CurlMultiHandle) {
        self.multi = multi
    }

    /// A transfer id never used before by this engine.
    func makeID() -> UInt64 {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Queues a transfer, or answers at once when the calling task is already cancelled or the
    /// engine is shutting down.
    ///
    /// Checking cancellation under the same lock that ``cancel(id:)`` takes guarantees that a
    /// cancellation arriving later is queued after this start, so the engine never misses it.
    func start(id: UInt64, request: CurlTransferRequest, continuation: CheckedContinuation<CurlTransferOutcome, Never>) {
        let immediate: CurlTransferOutcome? = state.withLock { state in
            if Task.isCancelled {
                return .cancelled
            }
            guard case .running = state.phase else {
                return .engineShutDown
            }
            state.commands.append(.start(id: id, request: request, continuation: continuation))
            return nil
        }
        if let immediate {
            continuation.resume(returning: immediate)
        } else {
            multi.wakeup()
        }
    }

    /// Asks the engine thread to stop transfer `id`; does nothing if it has already finished.
    func cancel(id: UInt64) {
        let queued = state.withLock { state in
            guard case .running = state.phase else { return false }
            state.commands.append(.cancel(id: id))
            return true
        }
        if queued {
            multi.wakeup()
        }
    }

    /// Asks the engine thread to stop; returns once it has stopped and failed every transfer.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = state.withLock { state in
                switch state.phase {
                case .stopped:
                    return true
                case .running, .shuttingDown:
                    state.phase = .shuttingDown
                    state.stopWaiters.append(continuation)
                    return false
                }
            }
            if stopped {
                continuation.resume()
            } else {
                multi.wakeup()
            }
        }
    }

    /// Asks the engine thread to stop, without waiting (for `deinit`).
    func requestShutdown() {
        state.withLock { state in
            if case .running = state.phase {
                state.phase = .shuttingDown
            }
        }
        multi.wakeup()
    }

    /// For the engine thread: everything queued since the last call, and whether to stop.
    func takeCommands() -> (commands: Deque<Command>, shouldStop: Bool) {
        state.withLock { state in
            let commands = state.commands
            state.commands = []
            if case .shuttingDown = state.phase {
                return (commands, true)
            }
            return (commands, false)
        }
    }

    /// For the engine thread, when it has stopped: wakes every ``shutdown()`` caller.
    /// Returns the commands that arrived meanwhile (none can arrive after this), to be failed.
    func markStopped() -> Deque<Command> {
        let (waiters, commands) = state.withLock { state in
            state.phase = .stopped
            let waiters = state.stopWaiters
            let commands = state.commands
            state.stopWaiters = []
            state.commands = []
            return (waiters, commands)
        }
        for waiter in waiters {
            waiter.resume()
        }
        return commands
    }
}
