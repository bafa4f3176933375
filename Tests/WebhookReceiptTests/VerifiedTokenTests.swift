import Encryption
import Foundation
import Jira
import Tenancy
import Testing

@testable import WebhookReceipt

extension WebhookReceiptSerialSuites {
    /// A token verified once is reused only while its secret, its request and its times hold.
    @Suite struct VerifiedTokenTests {
        @Test("the same token text is refused after a re-install changed the secret")
        func secretChanged() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                try await stack.setScheme(tenant: try await stack.tenant().tenantID)
                let token = try stack.token()
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: token).status == 200)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: token).status == 200)
                let answer = try await post(
                    "\(stack.jiraURL)/__sim/sites/\(stack.site)/lifecycle", json: ["event": "installed", "app": WebhookStack.appKey, "newSharedSecret": true])
                #expect(try WebhookStack.deliveryStatus(answer) == 200)
                // A call with the new secret puts the tenant back in the cache first.
                let secret = try await stack.sharedSecret(of: try await stack.tenant())
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: try stack.token(secret: secret)).status == 200)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: token).status == 401)
            }
        }

        @Test("the same token text is refused once it expired, and for another request target")
        func expiredAndOtherTarget() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                try await stack.setScheme(tenant: try await stack.tenant().tenantID)
                // Valid for two more seconds, clock skew included.
                let lifetime: Int64 = 60
                let issued = Date().addingTimeInterval(-Double(lifetime + stack.configuration.clockSkew) + 2)
                let token = try stack.token(issuedAt: issued, lifetime: lifetime)
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: token).status == 200)
                // Its qsh hashes /webhooks/jira without a query: another target must not reuse it.
                let other = try await stack.call(ConnectDescriptor.Path.webhooks + "?page=2", body: WebhookStack.webhookBody(), token: token)
                #expect(other.status == 401)
                try await Task.sleep(for: .seconds(3.5))
                #expect(try await stack.call(body: WebhookStack.webhookBody(), token: token).status == 401)
            }
        }
    }
}

@Suite struct VerifiedTokenCacheTests {
    let claims = JWTClaims(iss: "client", iat: 1, exp: 2, qsh: "q")

    func key(_ token: String) -> VerifiedTokenCache.Key {
        VerifiedTokenCache.Key(token: token, method: "POST", target: "/webhooks/jira", rule: .request)
    }

    @Test("holds what it was told, under the exact key, with the secret it was verified with")
    func holds() throws {
        let cache = VerifiedTokenCache()
        cache.remember(claims, for: key("a"), secret: Secret("s1"))
        let held = try #require(cache.entry(for: key("a")))
        #expect(held.claims == claims)
        #expect(held.secret.hasSameBytes(as: Secret("s1")))
        #expect(!held.secret.hasSameBytes(as: Secret("s2")))
        #expect(cache.entry(for: key("b")) == nil)
        #expect(cache.entry(for: VerifiedTokenCache.Key(token: "a", method: "POST", target: "/webhooks/jira", rule: .requestOrContext)) == nil)
        #expect(cache.entry(for: VerifiedTokenCache.Key(token: "a", method: "POST", target: "/webhooks/jira?x=1", rule: .request)) == nil)
    }

    @Test("never holds more than its capacity")
    func bounded() {
        let cache = VerifiedTokenCache(capacity: 3)
        for index in 0..<10 {
            cache.remember(claims, for: key("t\(index)"), secret: Secret("s"))
            #expect(cache.count <= 3)
        }
        #expect(cache.entry(for: key("t9")) != nil)
        // Replacing a held key does not empty the cache.
        cache.remember(claims, for: key("t9"), secret: Secret("s"))
        #expect(cache.entry(for: key("t9")) != nil)
    }
}
