import Synchronization

/// One coarse clock for every `Deadline`: a single task wakes every `tick` while something
/// waits and fires what has expired, so a deadline costs a dictionary entry instead of a sleeping
/// task and a system timer of its own (which, per webhook, showed as a fifth of the service's CPU).
/// A deadline fires between its instant and one tick later.
final class DeadlineTimer: Sendable {
    /// The timer `Deadline` uses: 50 ms ticks.
    static let shared = DeadlineTimer(tick: .milliseconds(50))

    struct Registration: Sendable, Hashable {
        fileprivate let id: UInt64
    }

    private struct Waiting {
        var instant: ContinuousClock.Instant
        var fire: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var waiting: [UInt64: Waiting] = [:]
        var ticking = false
    }

    private let tick: Duration
    private let state = Mutex(State())

    init(tick: Duration) {
        self.tick = tick
    }

    /// Calls `fire` once `instant` has passed, unless cancelled first.
    func schedule(at instant: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> Registration {
        let (id, startTicking) = state.withLock { state -> (UInt64, Bool) in
            let id = state.nextID
            state.nextID += 1
            state.waiting[id] = Waiting(instant: instant, fire: fire)
            defer { state.ticking = true }
            return (id, !state.ticking)
        }
        if startTicking {
            Task { await self.runTicks() }
        }
        return Registration(id: id)
    }

    /// Forgets a registration; harmless after it fired.
    func cancel(_ registration: Registration) {
        _ = state.withLock { $0.waiting.removeValue(forKey: registration.id) }
    }

    /// Fires expired registrations every tick; stops when none is left (the next `schedule`
    /// starts it again).
    private func runTicks() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (expired, idle) = state.withLock { state -> ([Waiting], Bool) in
                var expired: [Waiting] = []
                for (id, waiting) in state.waiting where waiting.instant <= now {
                    expired.append(waiting)
                    state.waiting.removeValue(forKey: id)
                }
                if state.waiting.isEmpty { state.ticking = false }
                return (expired, state.waiting.isEmpty)
            }
            for waiting in expired { waiting.fire() }
            if idle { return }
        }
    }
}
