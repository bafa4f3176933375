import Foundation
import Kafka
import Synchronization
import Testing

@Suite("Kafka producer after a fatal error", .serialized)
struct KafkaProducerFatalErrorTests {
    @Test("a healthy producer has no fatal error, and its run() ends without throwing")
    func healthyProducer() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 1)
        let producer = try broker.producer()
        let outcome = RunOutcome()
        let run = Task { await outcome.finish { try await producer.run() } }
        try await producer.send(KafkaProducerMessage(topic: topic, key: "tenant-a".bytes, value: "ok".bytes))
        #expect(producer.fatalError == nil)
        run.cancel()
        #expect(await eventually(timeout: .seconds(20)) { outcome.hasEnded })
        #expect(outcome.hasEnded && outcome.error == nil)
        #expect(producer.fatalError == nil)
    }

    @Test("after a fatal error, sends fail at once with it, it is exposed, and run() throws it")
    func fatalErrorStopsProducer() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 1)
        let producer = try broker.producer()
        let outcome = RunOutcome()
        let run = Task { await outcome.finish { try await producer.run() } }
        defer { run.cancel() }
        let message = KafkaProducerMessage(topic: topic, key: "tenant-a".bytes, value: "before".bytes)
        try await producer.send(message)

        #expect(producer.triggerFatalErrorForTesting(reason: "fatal error test"))
        #expect(await eventually(timeout: .seconds(10)) { producer.fatalError != nil })
        let fatal = try #require(producer.fatalError)
        #expect(fatal.isFatal)
        #expect(!fatal.isRetriable)
        #expect(fatal.name == "OUT_OF_ORDER_SEQUENCE_NUMBER")
        #expect(fatal.message.contains("fatal error test"))

        // A send fails at once with the fatal error instead of being queued.
        let started = ContinuousClock.now
        do {
            try await producer.send(message)
            Issue.record("a send after a fatal error succeeded")
        } catch let error as KafkaError {
            #expect(error.isFatal)
            #expect(!error.isRetriable)
            #expect(error.code == fatal.code)
        }
        #expect(ContinuousClock.now - started < .seconds(1))
        let batch = await producer.send(contentsOf: [message, message])
        #expect(batch.count == 2)
        #expect(batch.allSatisfy { if case .failure(let error) = $0 { error.isFatal && !error.isRetriable } else { false } })

        // run() ends by itself, throwing the fatal error, so the service group stops.
        #expect(await eventually(timeout: .seconds(20)) { outcome.hasEnded })
        let thrown = try #require(outcome.error as? KafkaError)
        #expect(thrown.isFatal)
        #expect(thrown.code == fatal.code)
        // The error stays exposed after the shutdown, for readiness checks.
        #expect(producer.fatalError?.message == fatal.message)
    }
}

/// Whether a producer's `run()` ended, and what it threw.
private final class RunOutcome: Sendable {
    private let state = Mutex<(ended: Bool, error: (any Error)?)>((false, nil))

    var hasEnded: Bool { state.withLock { $0.ended } }
    var error: (any Error)? { state.withLock { $0.error } }

    func finish(_ body: () async throws -> Void) async {
        do {
            try await body()
            state.withLock { $0 = (true, nil) }
        } catch {
            state.withLock { $0 = (true, error) }
        }
    }
}
