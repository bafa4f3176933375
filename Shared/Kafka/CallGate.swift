import Foundation
import Synchronization

/// Lets many threads call into a C client while guaranteeing none is inside when it is destroyed.
///
/// Callers `enter()` before a call and `leave()` after; `close()` refuses new entries and blocks
/// (on the dedicated thread that destroys the client, never on the cooperative pool) until every
/// caller has left.
final class CallGate: Sendable {
    private let state = Mutex<(active: Int, closed: Bool)>((0, false))

    /// True when the caller may proceed; it must then call `leave()`.
    func enter() -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.active += 1
            return true
        }
    }

    func leave() {
        state.withLock { $0.active -= 1 }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Refuses new entries and waits until current callers left. Blocking: dedicated threads only.
    func close() {
        state.withLock { $0.closed = true }
        while state.withLock({ $0.active }) > 0 { usleep(200) }
    }
}
