import Logging
import Platform
import Synchronization
import Testing

import struct Foundation.Data
import class Foundation.JSONSerialization

/// Captures what a log handler writes.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

@Suite("PII hashing and JSON logs")
struct PIILoggingTests {
    let hasher = PIIHasher(key: Array(repeating: 42, count: 32))

    @Test("tokens are stable, case-insensitive for addresses, and key-dependent")
    func tokens() {
        let other = PIIHasher(key: Array(repeating: 43, count: 32))
        #expect(hasher.token("Alice@Example.com") == hasher.token("alice@example.com"))
        #expect(hasher.token("alice@example.com") != hasher.token("bob@example.com"))
        #expect(hasher.token("alice@example.com") != other.token("alice@example.com"))
        #expect(hasher.token("alice@example.com").hasPrefix("pii:"))
        #expect(hasher.token("alice@example.com").count == 4 + 16)
    }

    @Test("addresses in free text are replaced by their tokens")
    func redaction() {
        let text = "550 <carol.o'neil+jira@mail.example.org>: mailbox unavailable, cc dave@example.co.uk"
        let redacted = hasher.redactAddresses(in: text)
        #expect(!redacted.contains("carol"))
        #expect(!redacted.contains("dave@"))
        #expect(redacted.contains(hasher.token("carol.o'neil+jira@mail.example.org")))
        #expect(redacted.contains("mailbox unavailable"))
        #expect(hasher.redactAddresses(in: "no addresses here") == "no addresses here")
    }

    @Test("log lines are JSON with no address in clear, in the message or in metadata")
    func jsonLines() throws {
        let captured = CapturedLines()
        let handler = JSONLogHandler(label: "ingest", level: .info, hasher: hasher) { captured.append($0) }
        var logger = Logger(label: "ingest") { _ in handler }
        logger[metadataKey: "tenant"] = "acme"
        logger.info(
            "rejected mail from erin@example.net",
            metadata: ["reply": "550 frank@example.net unknown", "recipients": ["gina@example.net", "ok"]])
        logger.debug("below the level")
        let lines = captured.all
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        for address in ["erin@example.net", "frank@example.net", "gina@example.net"] {
            #expect(!line.contains(address))
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["tenant"] as? String == "acme")
        #expect((object["msg"] as? String)?.contains(hasher.token("erin@example.net")) == true)
        #expect(object["ts"] is String)
    }
}
