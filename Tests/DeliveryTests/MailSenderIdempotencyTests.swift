import Foundation
import Messaging
import Postgres
import Testing
import TestSupport

@testable import Delivery

@Suite("MailSender: the crash point, sandbox and plan capacity", .serialized)
struct MailSenderIdempotencyTests {
    @Test("a recipient left in sending (crash after SMTP, before the ledger write) is not resent: it becomes uncertain and is audited")
    func sendingRowBecomesUncertain() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let crashed = uniqueRecipient("crashed")
            let fresh = uniqueRecipient("fresh")
            let (request, _) = try await fixture.makeRequest(recipients: [crashed, fresh], label: "uncertain")
            // What a crash between the server's 250 and the ledger write leaves behind.
            let ledger = DeliveryLedger(pool: fixture.pool)
            #expect(try await ledger.claim(tenant: fixture.tenant, requestID: request.requestID, recipient: fixture.index.token(for: crashed, tenant: fixture.tenant)) == .claimed)
            let sender = fixture.makeSender()
            try await fixture.running(sender) {
                try await fixture.produce(request)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(request, fresh) == .sent })
            }
            #expect(try await fixture.status(request, crashed) == .uncertain)
            #expect(server.acceptedCount(crashed) == 0)
            #expect(server.acceptedCount(fresh) == 1)
            let uncertain = try await fixture.history(request).filter { $0.status == .uncertain }
            #expect(uncertain.map(\.recipients) == [[crashed]])

            // A plain replay leaves it alone; a forced one (the operator's --force) sends it.
            try await fixture.running(sender) {
                try await fixture.produce(request)
                let marker = uniqueRecipient("marker")
                let (markerRequest, _) = try await fixture.makeRequest(recipients: [marker], label: "marker")
                try await fixture.produce(markerRequest)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(markerRequest, marker) == .sent })
                #expect(server.acceptedCount(crashed) == 0)
                // The uncertain recipient was dead-lettered (once per run that found it).
                let queue = DeadLetterQueue(brokers: fixture.brokers, topics: fixture.topics, logger: fixture.logger)
                let entries = try await queue.list(idle: .seconds(2))
                #expect(entries.count == 1)
                let entry = try #require(entries.first)
                #expect(entry.letter.error.contains("delivery uncertain"))
                #expect(entry.letter.requestID == request.requestID)
                #expect(entry.letter.failedRecipients == [fixture.index.token(for: crashed, tenant: fixture.tenant)])
                #expect(try await queue.show(partition: entry.partition, offset: entry.offset, idle: .seconds(2))?.letter == entry.letter)
                let released = try await queue.replay(entry.letter, producer: fixture.producer, ledger: ledger, force: true)
                #expect(released == 1)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(request, crashed) == .sent })
            }
            #expect(server.acceptedCount(crashed) == 1)
            #expect(server.acceptedCount(fresh) == 1)
        }
    }

    @Test("sandbox mode: only allowlisted recipients receive mail; the others are suppressed and audited")
    func sandboxSuppressesOthers() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let allowed = uniqueRecipient("allowed")
            let other = uniqueRecipient("other")
            let sandbox = SandboxStore(pool: fixture.pool, cipher: fixture.cipher, index: fixture.index)
            try await sandbox.setEnabled(true, tenant: fixture.tenant)
            // Case and padding do not matter: the blind index normalises.
            try await sandbox.allow("  " + allowed.uppercased(), tenant: fixture.tenant)
            #expect(try await sandbox.state(tenant: fixture.tenant).allowlist == [allowed])
            let (request, _) = try await fixture.makeRequest(recipients: [allowed, other], label: "sandbox")
            try await fixture.running(fixture.makeSender()) {
                try await fixture.produce(request)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(request, allowed) == .sent })
            }
            #expect(try await fixture.status(request, other) == .suppressed)
            #expect(server.acceptedCount(allowed) == 1)
            #expect(server.acceptedCount(other) == 0)
            let suppressed = try await fixture.history(request).filter { $0.status == .suppressed }
            #expect(suppressed.map(\.recipients) == [[other]])

            // Sandbox off: a new request reaches everyone.
            try await sandbox.setEnabled(false, tenant: fixture.tenant)
            let (second, _) = try await fixture.makeRequest(recipients: [other], label: "sandbox-off")
            try await fixture.running(fixture.makeSender()) {
                try await fixture.produce(second)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(second, other) == .sent })
            }
        }
    }

    @Test("capacity exhausted: nothing is sent, the request is parked for the recipients not yet served")
    func exhaustedCapacityParks() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let first = uniqueRecipient("cap-a")
            let second = uniqueRecipient("cap-b")
            let gate = RecordingGate(messagesLeft: 1)
            let (request, _) = try await fixture.makeRequest(recipients: [first], label: "capacity-ok")
            let (parked, _) = try await fixture.makeRequest(recipients: [first, second], label: "capacity-out")
            try await fixture.running(fixture.makeSender(capacity: gate)) {
                try await fixture.produce(request)
                try await fixture.produce(parked)
                #expect(await eventually(timeout: .seconds(30)) { gate.parked.count == 1 })
            }
            #expect(server.acceptedCount(first) == 1)
            #expect(server.acceptedCount(second) == 0)
            #expect(gate.reservations == [1, 2])
            let park = try #require(gate.parked.first)
            #expect(park.request == parked)
            #expect(park.recipients == [first, second])
            #expect(park.reason.contains("messages"))
            #expect(try await fixture.history(parked).map(\.status) == [.parked])
            #expect(try await fixture.ledgerRows(parked).isEmpty)

            // A usage alert is never held back by the exhausted plan, nor reserved.
            var (alert, _) = try await fixture.makeRequest(recipients: [second], label: "usage-alert")
            alert.kind = .usageAlert
            let alertSent = try await fixture.running(fixture.makeSender(capacity: gate)) {
                try await fixture.produce(alert)
                return try await eventually(timeout: .seconds(30)) { try await fixture.status(alert, second) == .sent }
            }
            #expect(alertSent)
            // The second run re-read the topic from the start: the delivered request was skipped
            // by the ledger, the parked one asked (and was refused) again, the alert never asked.
            #expect(gate.reservations == [1, 2, 2])
        }
    }
}
