import Logging
import Synchronization
import Testing

@testable import WebhookReceipt

@Suite struct RepeatedFailureLogTests {
    /// Keeps every line logged through it.
    struct CapturingHandler: LogHandler {
        final class Lines: Sendable {
            let all = Mutex<[(String, Logger.Metadata?)]>([])
        }
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.all.withLock { $0.append(("\(event.message)", event.metadata)) }
        }
    }

    @Test("a repeating failure is logged once per interval, the next line carrying how many were held back; other kinds are not held back by it")
    func throttles() {
        let lines = CapturingHandler.Lines()
        let log = RepeatedFailureLog(logger: Logger(label: "test") { _ in CapturingHandler(lines: lines) }, interval: .seconds(10))
        let start = ContinuousClock.now
        #expect(log.error("broker down", metadata: ["n": "1"], now: start))
        for second in 1...5 {
            #expect(!log.error("broker down", metadata: ["n": "x"], now: start + .seconds(second)))
        }
        #expect(log.error("database down", metadata: [:], now: start + .seconds(6)))
        #expect(log.error("broker down", metadata: ["n": "7"], now: start + .seconds(10)))
        #expect(!log.error("broker down", metadata: [:], now: start + .seconds(11)))
        let written = lines.all.withLock { $0 }
        #expect(written.map(\.0) == ["broker down", "database down", "broker down"])
        #expect(written[0].1?["repeatedSinceLastLine"] == nil)
        #expect(written[2].1?["repeatedSinceLastLine"] == "5")
        #expect(written[2].1?["n"] == "7")
    }

    @Test("failures held back are counted in a line of their own when the interval ends, with no later failure to carry it")
    func countWrittenWhenIntervalEnds() async throws {
        let lines = CapturingHandler.Lines()
        let log = RepeatedFailureLog(logger: Logger(label: "test") { _ in CapturingHandler(lines: lines) }, interval: .milliseconds(200))
        #expect(log.error("broker down", metadata: [:]))
        for _ in 1...3 { #expect(!log.error("broker down", metadata: [:])) }
        let deadline = ContinuousClock.now + .seconds(10)
        while lines.all.withLock({ $0.count }) < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let written = lines.all.withLock { $0 }
        #expect(written.map(\.0) == ["broker down", "broker down"])
        #expect(written.last?.1?["repeatedSinceLastLine"] == "3")
        // Nothing held back since: no further line.
        try await Task.sleep(for: .milliseconds(400))
        #expect(lines.all.withLock { $0.count } == 2)
    }
}
