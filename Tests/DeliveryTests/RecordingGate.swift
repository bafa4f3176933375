import Messaging
import Synchronization

@testable import Delivery

/// A ``CapacityGate`` for tests: grants while `messagesLeft` lasts, records reservations and parks.
final class RecordingGate: CapacityGate {
    struct Park: Sendable {
        let request: OutboundMailRequest
        let recipients: [String]
        let reason: String
    }

    private let state: Mutex<(left: Int, reservations: [Int], parked: [Park])>

    init(messagesLeft: Int) {
        state = Mutex((messagesLeft, [], []))
    }

    var reservations: [Int] { state.withLock { $0.reservations } }
    var parked: [Park] { state.withLock { $0.parked } }

    func reserve(tenant: String, messages: Int, bytes: Int) async throws -> CapacityDecision {
        state.withLock { state in
            state.reservations.append(messages)
            guard messages <= state.left else { return .exhausted(reason: "messages: \(messages) wanted, \(state.left) left") }
            state.left -= messages
            return .granted
        }
    }

    func park(_ request: OutboundMailRequest, recipients: [String], reason: String) async throws {
        state.withLock { $0.parked.append(Park(request: request, recipients: recipients, reason: reason)) }
    }
}
