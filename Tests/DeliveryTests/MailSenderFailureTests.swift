import Curl
import Encryption
import Foundation
import Kafka
import Messaging
import Postgres
import Testing
import TestSupport

@testable import Delivery

/// The tenant's connection to a private scripted SMTP server (no TLS, no login).
func scriptedConnection(tenant: String, port: Int) -> SMTPConnection {
    SMTPConnection(tenant: tenant, host: "127.0.0.1", port: port, security: .none, login: .none, envelopeFrom: "mailbridge@example.test")
}

@Suite("MailSender failures: refusals, transient replies, unreachable servers, malformed records", .serialized)
struct MailSenderFailureTests {
    @Test("a 550 recipient goes to the DLQ with the reply; the other recipient is delivered")
    func permanentRefusalIsDeadLettered() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let refused = uniqueRecipient("refuse")
            let accepted = uniqueRecipient("ok")
            let (request, _) = try await fixture.makeRequest(recipients: [refused, accepted], label: "refused")
            let letters = try await fixture.running(fixture.makeSender()) {
                let envelope = try await fixture.produce(request)
                let letters = try await fixture.deadLetters(count: 1)
                #expect(try DeadLetter.originalValue(letters.first) == (try envelope.json()))
                return letters
            }
            let letter = try #require(letters.first)
            #expect(letter.reply?.code == 550)
            #expect(letter.reply?.text.contains("mailbox unavailable") == true)
            // The address in the server's reply is replaced by its hash token.
            #expect(letter.reply?.text.contains(refused) == false)
            #expect(!letter.error.contains(refused))
            #expect(letter.failedRecipients == [fixture.index.token(for: refused, tenant: fixture.tenant)])
            #expect(letter.key == fixture.tenant)
            #expect(letter.topic == fixture.topics.outbound)
            #expect(server.acceptedCount(accepted) == 1)
            #expect(server.acceptedCount(refused) == 0)
            #expect(try await fixture.status(request, refused) == .failed)
            #expect(try await fixture.status(request, accepted) == .sent)
            // Refused at once: one attempt, no retry.
            let attempts = try await fixture.pool.query(
                """
                SELECT attempts FROM outbound_deliveries WHERE tenant_id = \(fixture.tenant)
                AND recipient_index = \(fixture.index.token(for: refused, tenant: fixture.tenant))
                """)
            #expect(try attempts.first?.decode(0, as: Int.self) == 1)
            #expect(try await fixture.history(request).map(\.status).sorted { $0.rawValue < $1.rawValue } == [.failed, .sent])
        }
    }

    @Test("451 twice, then accepted: retried inside the lane and delivered once")
    func transientReplyIsRetried() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let recipient = uniqueRecipient("defer2")
            let (request, _) = try await fixture.makeRequest(recipients: [recipient], label: "deferred")
            try await fixture.running(fixture.makeSender()) {
                try await fixture.produce(request)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(request, recipient) == .sent })
            }
            #expect(server.acceptedCount(recipient) == 1)
            let attempts = try await fixture.pool.query("SELECT attempts FROM outbound_deliveries WHERE tenant_id = \(fixture.tenant)")
            #expect(try attempts.first?.decode(0, as: Int.self) == 3)
        }
    }

    @Test("an unreachable SMTP server is retried, then the request goes to the DLQ")
    func unreachableServerIsRetriedThenDeadLettered() async throws {
        try await SenderFixture.with { fixture in
            let closedPort = try await Self.closedPort()
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: closedPort))
            let recipient = uniqueRecipient("unreachable")
            let (request, _) = try await fixture.makeRequest(recipients: [recipient], label: "unreachable")
            let letters = try await fixture.running(fixture.makeSender()) {
                try await fixture.produce(request)
                return try await fixture.deadLetters(count: 1)
            }
            let letter = try #require(letters.first)
            #expect(letter.reply?.code == nil)
            #expect(letter.error.contains("retries exhausted after 3 attempts"))
            #expect(try await fixture.status(request, recipient) == .failed)
            let attempts = try await fixture.pool.query("SELECT attempts FROM outbound_deliveries WHERE tenant_id = \(fixture.tenant)")
            #expect(try attempts.first?.decode(0, as: Int.self) == 3)

            // The server is back (here: the tenant's settings fixed): the operator replays the dead letter.
            let server = try await ScriptedSMTPServer()
            defer { server.stop() }
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let queue = DeadLetterQueue(brokers: fixture.brokers, topics: fixture.topics, logger: fixture.logger)
            let entry = try #require(try await queue.list(idle: .seconds(2)).first)
            #expect(try await queue.replay(entry.letter, producer: fixture.producer, ledger: nil, force: false) == 0)
            let delivered = try await fixture.running(fixture.makeSender()) {
                try await eventually(timeout: .seconds(30)) { try await fixture.status(request, recipient) == .sent }
            }
            #expect(delivered)
            #expect(server.acceptedCount(recipient) == 1)
        }
    }

    @Test("a malformed record goes to the DLQ with the reason and does not block the lane")
    func malformedRecordIsDeadLettered() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let recipient = uniqueRecipient("after-garbage")
            let (request, _) = try await fixture.makeRequest(recipients: [recipient], label: "after-garbage")
            let letters = try await fixture.running(fixture.makeSender()) {
                try await fixture.produceRaw(Array("not an envelope".utf8))
                try await fixture.produce(request)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(request, recipient) == .sent })
                return try await fixture.deadLetters(count: 1)
            }
            let letter = try #require(letters.first)
            #expect(letter.error.contains("unreadable mail.outbound record"))
            #expect(letter.error.contains("not an event envelope"))
            #expect(letter.failedRecipients.isEmpty)
            #expect(try DeadLetter.originalValue(letter) == Array("not an envelope".utf8))
        }
    }

    @Test("a tenant without SMTP settings: the request goes to the DLQ naming the missing connection")
    func missingConnectionIsDeadLettered() async throws {
        try await SenderFixture.with { fixture in
            let recipient = uniqueRecipient("no-connection")
            let (request, _) = try await fixture.makeRequest(recipients: [recipient], label: "no-connection")
            let letters = try await fixture.running(fixture.makeSender()) {
                try await fixture.produce(request)
                return try await fixture.deadLetters(count: 1)
            }
            #expect(letters.first?.error.contains("has no SMTP connection") == true)
        }
    }

    @Test("a missing mail object: the request goes to the DLQ and no recipient is left in sending")
    func missingObjectIsDeadLettered() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let recipient = uniqueRecipient("no-object")
            let (request, _) = try await fixture.makeRequest(recipients: [recipient], label: "no-object")
            try await fixture.store.delete(key: request.objectKey)
            let letters = try await fixture.running(fixture.makeSender()) {
                try await fixture.produce(request)
                return try await fixture.deadLetters(count: 1)
            }
            #expect(letters.first?.error.contains("does not exist") == true)
            #expect(try await fixture.ledgerRows(request).isEmpty)
            #expect(server.acceptedCount(recipient) == 0)
        }
    }

    /// A loopback port nothing listens on (bound by Python, then released).
    static func closedPort() async throws -> Int {
        let script = "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
        let finder = try await SubprocessServer.start(["python3", "-c", script], name: "the port finder")
        await finder.stop()
        return finder.port
    }
}

extension DeadLetter {
    /// The original record value of `letter`.
    static func originalValue(_ letter: DeadLetter?) throws -> [UInt8] {
        let letter = try #require(letter)
        return Array(try #require(Data(base64Encoded: letter.value)))
    }
}
