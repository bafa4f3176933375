import Foundation
import Jira
import TestSupport
import Testing

/// Our verifier against what the simulator signs as Jira: webhooks and `enabled` (HS256 with the
/// shared secret, `iss` = clientKey), `installed` (RS256, `kid`, `aud` = the app's base URL).
@Suite("Verifying the simulator's webhooks and lifecycle callbacks")
struct JiraSimulatorSignatureTests {
    static let appBaseURL = "http://127.0.0.1:9/app"

    /// The delivery's URL as the request target, and its first attempt's token.
    private func sent(_ delivery: [String: Any]) throws -> (target: String, token: JSONWebToken) {
        let url = try #require(delivery["url"] as? String)
        let components = try #require(URLComponents(string: url))
        let target = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let attempts = try #require(delivery["attempts"] as? [[String: Any]])
        let authorization = try #require(attempts.first?["authorization"] as? String)
        let token = try #require(JSONWebToken.token(authorization: authorization, target: target))
        return (target, try JSONWebToken(parsing: token))
    }

    @Test("a webhook's HS256 token verifies against the request it came with, and only that")
    func webhook() async throws {
        let site = try await SimulatorSite.create(appBaseURL: Self.appBaseURL)
        let created = try await site.client(.apiToken).createIssue(JiraIssueCreation(project: .name("ACME"), issueType: .name("Task"), summary: "hook"))
        let delivery = try await site.send("webhooks", [
            "event": "jira:issue_created", "issue": created.key, "app": SimulatorSite.appKey,
            "url": "/webhooks/created?issue={issue.key}&note=a+b%2Bc&tenant=acme",
        ])
        let (target, token) = try sent(delivery)
        #expect(target.hasPrefix("/app/webhooks/created?"))
        let request = CanonicalRequest(method: "POST", target: target, basePath: "/app")
        let claims = try ConnectTokenVerifier().verify(token, sharedSecret: SimulatorSite.sharedSecret, request: request)
        #expect(claims.iss == site.clientKey)
        #expect(token.header.alg == "HS256")
        let other = CanonicalRequest(method: "POST", target: target.replacingOccurrences(of: "tenant=acme", with: "tenant=evil"), basePath: "/app")
        #expect(throws: JiraAuthenticationError.self) {
            try ConnectTokenVerifier().verify(token, sharedSecret: SimulatorSite.sharedSecret, request: other)
        }
        #expect(throws: JiraAuthenticationError.self) {
            try ConnectTokenVerifier().verify(token, sharedSecret: "not-the-secret", request: request)
        }
        try await site.delete()
    }

    @Test("enabled is HS256; installed is RS256 with the key its kid names, from the key server and the key directory")
    func lifecycle() async throws {
        let site = try await SimulatorSite.create(appBaseURL: Self.appBaseURL)
        let enabled = try await site.send("lifecycle", ["event": "enabled", "app": SimulatorSite.appKey])
        let (enabledTarget, enabledToken) = try sent(enabled)
        #expect(enabledToken.header.alg == "HS256")
        let enabledClaims = try ConnectTokenVerifier().verify(
            enabledToken, sharedSecret: SimulatorSite.sharedSecret, request: CanonicalRequest(method: "POST", target: enabledTarget, basePath: "/app")
        )
        #expect(enabledClaims.iss == site.clientKey)

        let installed = try await site.send("lifecycle", ["event": "installed", "app": SimulatorSite.appKey, "signedInstall": true])
        let (target, token) = try sent(installed)
        #expect(target == "/app/installed")
        #expect(token.header.alg == "RS256")
        #expect(token.header.kid == installed["kid"] as? String)
        let payload = try #require(installed["payload"] as? [String: Any])
        let clientKey = try #require(payload["clientKey"] as? String)
        let request = CanonicalRequest(method: "POST", target: target, basePath: "/app")
        let keyServer = ConnectInstallKeys.server(site.root.appendingPathComponent("__sim/connect-install-keys"))
        let claims = try await ConnectTokenVerifier().verifyInstallCallback(
            token, keys: keyServer, appBaseURL: Self.appBaseURL, clientKey: clientKey, request: request
        )
        #expect(claims.iss == site.clientKey)
        let keyDirectory = ConnectInstallKeys.directory(try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_INSTALL_KEYS_DIR"))
        _ = try await ConnectTokenVerifier().verifyInstallCallback(
            token, keys: keyDirectory, appBaseURL: Self.appBaseURL, clientKey: clientKey, request: request
        )
        await #expect(throws: JiraAuthenticationError.self) {
            _ = try await ConnectTokenVerifier().verifyInstallCallback(
                token, keys: keyServer, appBaseURL: "https://someone-else.example", clientKey: clientKey, request: request
            )
        }
        try await site.delete()
    }
}
