import Curl
import Encryption
import Foundation
import Testing
import TestSupport

@testable import Delivery

@Suite("XOAUTH2: access tokens from the refresh token, refreshed once when the server refuses one", .serialized)
struct OAuthDeliveryTests {
    @Test("a stale cached token is refused by the SMTP server; the sender refreshes once and delivers")
    func refreshesOnRefusal() async throws {
        let mail = try StackMail()
        let endpoint = try await TokenEndpoint(refreshToken: "refresh-1", clientSecret: "client-secret", tokens: ["stale-token", mail.oauthToken])
        defer { endpoint.stop() }
        try await SenderFixture.with { fixture in
            let client = OAuthClient(tokenURL: endpoint.url, clientID: "client-1", clientSecret: "client-secret", refreshToken: "refresh-1")
            let connection = SMTPConnection(
                tenant: fixture.tenant, host: mail.smtpHost, port: mail.smtpPort, security: .startTLS,
                login: .xoauth2(username: mail.user, client: client), envelopeFrom: mail.user)
            try await SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault).save(connection)
            let recipient = uniqueRecipient("xoauth2")
            let (request, bytes) = try await fixture.makeRequest(recipients: [recipient], label: "xoauth2")
            let tokens = OAuthTokenSource()
            try await fixture.running(fixture.makeSender(tokens: tokens, caFile: mail.caFile)) {
                try await fixture.produce(request)
                #expect(try await eventually(timeout: .seconds(30)) { try await fixture.status(request, recipient) == .sent })
            }
            let messages = try await mail.messages(deliveredTo: recipient)
            #expect(messages.count == 1)
            #expect(messages.first.map { Array($0.suffix(bytes.count)) } == bytes)
            // Two exchanges: the stale token, then the good one after the refusal.
            #expect(try await endpoint.exchanges() == 2)
            // The good token is cached now: no third exchange.
            #expect(try await tokens.accessToken(for: client) == mail.oauthToken)
            #expect(try await endpoint.exchanges() == 2)
        }
    }

    @Test("a wrong refresh token: the endpoint's error code is named, never the secrets")
    func refusedRefreshTokenIsNamed() async throws {
        let endpoint = try await TokenEndpoint(refreshToken: "refresh-1", clientSecret: "client-secret", tokens: ["unused"])
        defer { endpoint.stop() }
        let client = OAuthClient(tokenURL: endpoint.url, clientID: "client-1", clientSecret: "client-secret", refreshToken: "wrong-refresh")
        do {
            _ = try await OAuthTokenSource().accessToken(for: client)
            Issue.record("a wrong refresh token was accepted")
        } catch let error as DeliveryError {
            #expect(error.message.contains("answered 400 (invalid_grant)"))
            #expect(!error.message.contains("wrong-refresh"))
            #expect(!error.message.contains("client-secret"))
        }
        #expect(!"\(client)".contains("wrong-refresh"))
    }

    @Test("the OAuth client is stored sealed and read back whole")
    func oauthClientRoundTrips() async throws {
        try await SenderFixture.with { fixture in
            let client = OAuthClient(tokenURL: "https://oauth2.googleapis.com/token", clientID: "id", clientSecret: "s3cret", refreshToken: "r3fresh")
            let store = SMTPConnectionStore(pool: fixture.pool, vault: fixture.vault)
            try await store.save(
                SMTPConnection(
                    tenant: fixture.tenant, host: "smtp.gmail.com", port: 465, security: .implicitTLS,
                    login: .xoauth2(username: "jira@acme.test", client: client), envelopeFrom: "jira@acme.test", maximumConnections: 3))
            let loaded = try #require(try await store.load(tenant: fixture.tenant))
            guard case .xoauth2(let username, let read) = loaded.login else {
                Issue.record("expected an XOAUTH2 login, got \(loaded.login)")
                return
            }
            #expect(username == "jira@acme.test")
            #expect(read == client)
            #expect(loaded.security == .implicitTLS)
            #expect(loaded.maximumConnections == 3)
            let raw = try await fixture.pool.query("SELECT encode(sealed_secret, 'escape') FROM smtp_connections WHERE tenant_id = \(fixture.tenant)")
            let text = try raw.first?.decode(0, as: String.self) ?? ""
            #expect(!text.contains("s3cret"))
            #expect(!text.contains("r3fresh"))
        }
    }
}

extension TokenEndpoint {
    /// How many refresh-token exchanges the endpoint answered.
    func exchanges() async throws -> Int {
        let response = try await HTTPClient().execute(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/count")!))
        struct Count: Decodable { let count: Int }
        return try JSONDecoder().decode(Count.self, from: Data(response.body)).count
    }
}
