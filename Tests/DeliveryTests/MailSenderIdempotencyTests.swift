import Foundation
import Messaging
import Postgres
import Testing
import TestSupport

@testable import Delivery

@Suite("MailSender: the crash point, sandbox and plan capacity", .serialized)
struct MailSenderIdempotencyTests {
    @Test("a recipient a dead process left in sending is sent again; one a live process is sending is left to it")
    func sendingRowsByLiveness() async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(scriptedConnection(tenant: fixture.tenant, port: server.port))
            let crashed = uniqueRecipient("crashed")
            let live = uniqueRecipient("live")
            let fresh = uniqueRecipient("fresh")
            let (request, _) = try await fixture.makeRequest(recipients: [crashed, live, fresh], label: "liveness")
            let ledger = DeliveryLedger(pool: fixture.pool)
            func token(_ address: String) -> String { fixture.index.token(for: address, tenant: fixture.tenant) }
            // What a process killed between its claim and the ledger write leaves behind …
            let dead = "dead-" + UUID().uuidString
            #expect(try await ledger.claim(tenant: fixture.tenant, requestID: request.requestID, recipient: token(crashed), instance: dead) == .claimed)
            // … and a claim of another process that is alive (it holds its liveness lock).
            let liveID = "live-" + UUID().uuidString
            let lock = SenderLivenessLock(
                instanceID: liveID,
                configuration: PostgresConfiguration(
                    connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"), minimumConnections: 0, maximumConnections: 1),
                logger: fixture.logger)
            let lockTask = Task { try await lock.run() }
            #expect(try await ledger.claim(tenant: fixture.tenant, requestID: request.requestID, recipient: token(live), instance: liveID) == .claimed)
            #expect(try await eventually(timeout: .seconds(10)) {
                try await fixture.pool.withConnection { try await DeliveryLedger.isAlive(liveID, on: $0) }
            })

            let sender = fixture.makeSender()
            try await fixture.running(sender) {
                try await fixture.produce(request)
                #expect(try await eventually(timeout: .seconds(30)) {
                    let freshStatus = try await fixture.status(request, fresh)
                    let crashedStatus = try await fixture.status(request, crashed)
                    return freshStatus == .sent && crashedStatus == .sent
                })
            }
            #expect(server.acceptedCount(crashed) == 1)
            #expect(server.acceptedCount(fresh) == 1)
            #expect(server.acceptedCount(live) == 0)
            #expect(try await fixture.status(request, live) == .sending)

            // The live process dies (its session ends): a replay sends its recipient, once; the
            // others are settled and not sent again.
            lockTask.cancel()
            _ = try? await lockTask.value
            #expect(try await eventually(timeout: .seconds(10)) {
                let alive = try await fixture.pool.withConnection { try await DeliveryLedger.isAlive(liveID, on: $0) }
                return !alive
            })
            try await fixture.running(sender) {
                try await fixture.produce(request)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(request, live) == .sent })
            }
            #expect(server.acceptedCount(live) == 1)
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
