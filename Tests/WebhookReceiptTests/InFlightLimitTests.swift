import Messaging
import Testing

@testable import WebhookReceipt

@Suite struct InFlightLimitTests {
    @Test("beyond the bound a call is refused at once; a finished call frees its place")
    func bound() async throws {
        let limit = InFlightLimit(maximum: 1)
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (release, releaseContinuation) = AsyncStream<Void>.makeStream()
        let holder = Task {
            await limit.run { () async -> Int in
                enteredContinuation.yield()
                for await _ in release { break }
                return 1
            }
        }
        for await _ in entered { break }
        #expect(await limit.run { 2 } == nil)
        releaseContinuation.yield()
        #expect(await holder.value == 1)
        #expect(await limit.run { 3 } == 3)
    }
}

@Suite struct DeadlineTests {
    @Test("work that never finishes gives up at the deadline; quick work returns its value")
    func deadline() async throws {
        #expect(try await Deadline.run(within: .seconds(5)) { 7 } == 7)
        let (never, finish) = AsyncStream<Int>.makeStream()
        await #expect(throws: Deadline.Exceeded.self) {
            _ = try await Deadline.run(within: .milliseconds(100)) {
                for await value in never { return value }
                return 0
            }
        }
        finish.finish()
    }

    @Test("race: the first report wins, once; a start that never reports gives up at the deadline")
    func race() async throws {
        let (results, report) = AsyncStream<Result<Int, any Error>>.makeStream()
        Deadline.race(within: .seconds(5)) { done in
            done(.success(1))
            done(.success(2))
        } onDone: { report.yield($0) }
        Deadline.race(within: .milliseconds(100)) { (_: @escaping @Sendable (Result<Int, any Error>) -> Void) in
        } onDone: { report.yield($0) }
        var iterator = results.makeAsyncIterator()
        #expect(try #require(await iterator.next()).get() == 1)
        let late = try #require(await iterator.next())
        #expect(throws: Deadline.Exceeded.self) { try late.get() }
        report.finish()
        #expect(await iterator.next() == nil)
    }
}
