import Delivery
import Messaging
import Testing

@Suite("MailSender: a tenant's max_connections", .serialized)
struct MailSenderConnectionLimitTests {
    @Test(
        "with max_connections set, a tenant's mails share that many SMTP sessions; without it, its lane sends them side by side",
        arguments: [1, 2, nil] as [Int?])
    func maximumConnections(limit: Int?) async throws {
        let server = try await ScriptedSMTPServer()
        defer { server.stop() }
        try await SenderFixture.with { fixture in
            var connection = scriptedConnection(tenant: fixture.tenant, port: server.port)
            connection.maximumConnections = limit
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(connection)
            // Each mail's SMTP session takes 1.5 s at DATA, so sessions overlap unless held back.
            var recipients: [String] = []
            var requests: [OutboundMailRequest] = []
            for index in 0..<5 {
                let recipient = uniqueRecipient("slow\(index)")
                recipients.append(recipient)
                requests.append(try await fixture.makeRequest(recipients: [recipient], label: "limit-\(index)").0)
            }
            try await fixture.running(fixture.makeSender(), perTenant: 4) {
                for request in requests { _ = try await fixture.produce(request) }
                #expect(await eventually(timeout: .seconds(30)) { recipients.allSatisfy { server.acceptedCount($0) == 1 } })
            }
            if let limit {
                #expect(server.mostSessions == limit)
            } else {
                #expect(server.mostSessions > 2)
            }
        }
    }
}
