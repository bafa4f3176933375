import Jira
import Testing

@testable import WebhookReceipt

@Suite struct TokenTextTests {
    @Test("the fast path finds what JSONWebToken.token finds", arguments: [
        ("JWT abc.def.ghi", "/webhooks/jira"),
        ("  jwt   abc.def.ghi  ", "/webhooks/jira"),
        ("Jwt abc", "/webhooks/jira"),
        ("Bearer abc", "/webhooks/jira?jwt=from.query.param"),
        ("JWT", "/webhooks/jira?jwt=x.y.z"),
        ("", "/webhooks/jira"),
    ])
    func sameAsTheGeneralFunction(authorization: String, target: String) {
        #expect(TenantAuthenticator.tokenText(authorization: authorization, target: target) == JSONWebToken.token(authorization: authorization, target: target))
    }

    @Test func withoutAuthorizationTheQueryParameterIsUsed() {
        #expect(TenantAuthenticator.tokenText(authorization: nil, target: "/feedback?jwt=a.b.c&x=1") == "a.b.c")
        #expect(TenantAuthenticator.tokenText(authorization: nil, target: "/feedback") == nil)
    }
}
